import { PrismaPg } from "@prisma/adapter-pg";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.ts";
import { PrismaClient } from "../../src/generated/prisma/client.ts";
import { jsonValueSchema } from "../../src/letters/json-value.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { parseInput } from "../../src/letters/parse-input.ts";
import {
  anyCodeUnits,
  anyNumber,
  isStorableText,
  isStorableInteger,
  isStorableReal,
  longestIndexedText,
  MAX_DATE,
  MIN_DATE,
  nested,
  storableJson,
  storedJson,
  storableRequiredText,
  tooLongIndexedText,
  unstorableDate,
  unstorableJson,
  unstorableReal,
  unstorableText,
  wrongType,
} from "../support/hostile-values.ts";
import { countedClient } from "../support/untouched-client.ts";

// Never connected: the counted proxy around it proves each refused call did not even touch it.
const nowhere = new PrismaClient({ adapter: new PrismaPg({ host: "127.0.0.1", port: 1, connectionTimeoutMillis: 500 }) });
afterAll(() => nowhere.$disconnect());

const base = { documentName: "a.pdf", sourceFilePath: "/a.pdf" };
const MAX_INT4 = 2_147_483_647;

/** Runs `call` on a repository over a counted client; expects a ValidationError naming `field`, and no use of the client. */
async function expectRefused(call: (letters: LetterRepository) => Promise<unknown>, field: string | RegExp): Promise<ValidationError> {
  const counted = countedClient(nowhere);
  const error: unknown = await call(new LetterRepository(counted.client)).then(
    () => new Error("the call succeeded"),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  const validation = error as ValidationError;
  expect(validation.code).toBe("VALIDATION_FAILED");
  const paths = validation.issues.map((issue) => issue.path);
  if (typeof field === "string") expect(paths.some((path) => path === field || path.startsWith(`${field}.`)), `${paths.join(", ")} should name ${field}`).toBe(true);
  else expect(paths.some((path) => field.test(path)), `${paths.join(", ")} should match ${String(field)}`).toBe(true);
  expect(counted.uses(), "the client was used although the input was refused").toBe(0);
  return validation;
}

const runs = { numRuns: 60 };

describe("hostile input is refused before the client is touched (property-based)", () => {
  it("create and createOrReplaceByFileHash: a bad value in any text field", async () => {
    const textFields = ["documentName", "sourceFilePath", "documentType", "documentTitle", "fileHash", "processingMethod", "status"] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...textFields), fc.oneof(unstorableText, wrongType, anyNumber), async (field, value) => {
        await expectRefused((letters) => letters.create({ ...base, [field]: value } as never), field);
        await expectRefused((letters) => letters.createOrReplaceByFileHash({ ...base, fileHash: "h", [field]: value } as never), field);
      }),
      runs,
    );
  });

  it("create: more than 2,000 UTF-8 bytes in an indexed text field; 2,000 pass validation", async () => {
    const indexed = ["documentName", "sourceFilePath", "documentType", "documentTitle", "fileHash"] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...indexed), tooLongIndexedText, async (field, value) => {
        await expectRefused((letters) => letters.create({ ...base, [field]: value }), field);
      }),
      runs,
    );
    const createSchema = (await import("../../src/letters/letter-schemas.ts")).createLetterInputSchema;
    fc.assert(
      fc.property(fc.constantFrom(...indexed), longestIndexedText, (field, value) => {
        expect(createSchema.safeParse({ ...base, [field]: value }).success).toBe(true);
      }),
    );
  });

  it("create: numbers a REAL or INTEGER column cannot hold as given, and wrong types", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          unstorableReal(Number.MAX_VALUE).map((value) => ["processingTimeMs", value] as const),
          unstorableReal(1).map((value) => ["extractionConfidence", value] as const),
          fc.oneof(anyNumber, wrongType, fc.string()).filter((value) => !isStorableInteger(value, 0, MAX_INT4)).map((value) => ["fileSize", value] as const),
        ),
        async ([field, value]) => {
          await expectRefused((letters) => letters.create({ ...base, [field]: value } as never), field);
        },
      ),
      runs,
    );
  });

  it("create: dates PostgreSQL's timestamp or the driver cannot carry exactly", async () => {
    await fc.assert(
      fc.asyncProperty(unstorableDate, async (value) => {
        await expectRefused((letters) => letters.create({ ...base, createdAt: value } as never), "createdAt");
        await expectRefused((letters) => letters.create({ ...base, debugSteps: [{ processingStep: "s", stepTimestamp: value as Date }] }), "debugSteps.0.stepTimestamp");
        await expectRefused((letters) => letters.search({ createdFrom: value as Date }), "createdFrom");
        await expectRefused((letters) => letters.searchByCursor({ createdTo: value as Date }), "createdTo");
      }),
      runs,
    );
  });

  it("create and search: JSON values that would be lost, changed or refused by PostgreSQL, reported inside the field", async () => {
    const jsonFields = ["rawGrokJson", "ocrSupplementaryJson", "processingStepsJson", "validationDetailsJson"] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...jsonFields), unstorableJson, async (field, value) => {
        await expectRefused((letters) => letters.create({ ...base, [field]: value } as never), field);
        await expectRefused((letters) => letters.search({ rawGrokJsonContains: value as never }), "rawGrokJsonContains");
      }),
      runs,
    );
  });

  it("products, matches and debug steps: a bad value in any child field names the child and the field", async () => {
    const childFields = fc.oneof(
      fc.tuple(fc.constant("products"), fc.constantFrom("productIdentifier", "rangeLabel", "productDescription", "validationStatus"), fc.oneof(unstorableText, wrongType, anyNumber)),
      fc.tuple(fc.constant("products"), fc.constant("confidenceScore"), unstorableReal(1)),
      fc.tuple(fc.constant("matches"), fc.constantFrom("ibcatalogueProductIdentifier", "matchType", "matchReason"), fc.oneof(unstorableText, wrongType, anyNumber)),
      fc.tuple(fc.constant("matches"), fc.constantFrom("matchConfidence", "technicalMatchScore"), unstorableReal(1)),
      fc.tuple(fc.constant("matches"), fc.constant("productIndex"), fc.oneof(anyNumber, wrongType).filter((value) => !isStorableInteger(value, 0, 0))),
      fc.tuple(fc.constant("debugSteps"), fc.constantFrom("processingStep", "stepDetails", "errorMessage"), fc.oneof(unstorableText, wrongType, anyNumber)),
      fc.tuple(fc.constant("debugSteps"), fc.constant("stepDurationMs"), unstorableReal(Number.MAX_VALUE)),
      fc.tuple(fc.constantFrom("products", "matches", "debugSteps"), fc.constant("colour"), fc.string()),
    );
    await fc.assert(
      fc.asyncProperty(childFields, async ([child, field, value]) => {
        const input = {
          ...base,
          products: [{ productIdentifier: "P1" }],
          matches: [{ productIndex: 0, ibcatalogueProductIdentifier: "C1", matchConfidence: 0.5 }],
          debugSteps: [{ processingStep: "ocr" }],
        };
        const children = input[child] as Record<string, unknown>[];
        children[0] = { ...children[0], [field]: value };
        await expectRefused((letters) => letters.create(input as never), `${child}.0.${field}`);
        if (child === "debugSteps") await expectRefused((letters) => letters.appendDebugStep(1, children[0] as never), field);
      }),
      runs,
    );
  });

  it("ids, id lists, include, file hashes, statuses and statistics options", async () => {
    const badId = fc.oneof(anyNumber, wrongType, fc.string()).filter((value) => !isStorableInteger(value, 1, MAX_INT4));
    await fc.assert(
      fc.asyncProperty(badId, async (id) => {
        await expectRefused((letters) => letters.findById(id as never), "");
        await expectRefused((letters) => letters.getById(id as never), "");
        await expectRefused((letters) => letters.delete(id as never), "");
        await expectRefused((letters) => letters.setStatus(id as never, "processed"), "");
        await expectRefused((letters) => letters.appendDebugStep(id as never, { processingStep: "s" }), "");
        await expectRefused((letters) => letters.deleteMany([1, id as never]), "1");
      }),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(unstorableText, wrongType, anyNumber, fc.constantFrom("", " \t\n")), async (text) => {
        await expectRefused((letters) => letters.setStatus(1, text as never), "");
        await expectRefused((letters) => letters.setStatus(1, `${"x".repeat(101)}${typeof text === "string" ? text : "y"}`), "");
        await expectRefused((letters) => letters.findByFileHash(text as never), "");
        await expectRefused((letters) => letters.search({ status: text as never }), "status");
        await expectRefused((letters) => letters.search({ status: ["processed", text as never] }), "status.1");
      }),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(wrongType.filter((value) => typeof value !== "object"), fc.record({ products: fc.oneof(wrongType.filter((value) => typeof value !== "boolean"), fc.string(), anyNumber) }), fc.record({ colour: fc.boolean() })),
        async (include) => {
          await expectRefused((letters) => letters.findById(1, include as never), /^(|products|colour)$/);
        },
      ),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyNumber, wrongType, fc.string()).filter((value) => !isStorableInteger(value, 0, 86_400_000)), async (maxAgeMs) => {
        await expectRefused((letters) => letters.getStatistics({ maxAgeMs: maxAgeMs as never }), "maxAgeMs");
      }),
      runs,
    );
    await expectRefused((letters) => letters.deleteMany(Array.from({ length: 10_001 }, (_, index) => index + 1)), "");
  });

  it("search: every filter, sort, page and limit with hostile values", async () => {
    const badFilter = fc.oneof(
      fc.tuple(fc.constantFrom("query", "documentType", "rangeLabel", "productIdentifier"), fc.oneof(unstorableText, wrongType, anyNumber)),
      fc.tuple(fc.constant("minConfidence"), unstorableReal(1)),
      fc.tuple(fc.constantFrom("sortBy", "sortOrder"), fc.oneof(fc.string().filter((text) => !["id", "asc", "desc", "status"].includes(text)), wrongType, fc.constant("id; DROP TABLE letters"))),
      // A page counts from 1 or back from -1 (the last page), up to 1,000,000 either way; a limit is 1 to 100.
      fc.tuple(
        fc.constant("page"),
        fc.oneof(anyNumber, wrongType, fc.string()).filter((value) => !isStorableInteger(value, 1, 1_000_000) && !isStorableInteger(value, -1_000_000, -1)),
      ),
      fc.tuple(fc.constant("limit"), fc.oneof(anyNumber, wrongType, fc.string()).filter((value) => !isStorableInteger(value, 1, 100))),
      fc.tuple(fc.constant("extra"), fc.anything()),
    );
    await fc.assert(
      fc.asyncProperty(badFilter, async ([field, value]) => {
        await expectRefused((letters) => letters.search({ [field]: value } as never), field);
        if (field !== "page") await expectRefused((letters) => letters.searchByCursor({ [field]: value } as never), field);
      }),
      runs,
    );
    await expectRefused((letters) => letters.search({ query: "x".repeat(501) }), "query");
    await expectRefused((letters) => letters.search("not an object" as never), "");
  });

  it("searchByCursor: any string, and cursors forged with values PostgreSQL could not cast", async () => {
    const forge = (payload: unknown) => Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
    const forged = fc.oneof(
      fc.constantFrom(
        ["createdAt", "9999-99-99 99:99:99"],
        ["createdAt", "2021-02-29 00:00:00"],
        ["createdAt", "0000-01-01 00:00:00"],
        ["createdAt", "2021-01-01 24:00:00"],
        ["fileSize", "9999999999"],
        ["fileSize", "-2147483649"],
        ["processingTimeMs", "1e999"],
        ["processingTimeMs", "1e-50"],
        ["processingTimeMs", "-1e39"],
        ["documentName", "a\ud800"],
        ["documentName", "a\u0000"],
      ),
      fc.tuple(fc.constantFrom("createdAt", "fileSize", "processingTimeMs", "documentName", "id"), anyCodeUnits()),
    );
    await fc.assert(
      fc.asyncProperty(forged, async ([sortBy, value]) => {
        const cursor = forge({ s: sortBy, o: "desc", v: value, i: 1 });
        const counted = countedClient(nowhere);
        const outcome: unknown = await new LetterRepository(counted.client).searchByCursor({ sortBy: sortBy as never, cursor }).catch((error: unknown) => error);
        // A forged value PostgreSQL accepts may go on to the (unreachable) database; one it would refuse must not.
        if (counted.uses() === 0) expect(outcome).toBeInstanceOf(ValidationError);
        else expect(castsInPostgres(sortBy, value)).toBe(true);
      }),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyCodeUnits(40), fc.base64String(), wrongType), async (cursor) => {
        await expectRefused((letters) => letters.searchByCursor({ cursor: cursor as never }), "cursor");
      }),
      runs,
    );
  });

  it("the input itself of the wrong shape", async () => {
    for (const input of [null, undefined, "letter", 5, [], new Date(), () => 1]) {
      await expectRefused((letters) => letters.create(input as never), /^(|documentName|sourceFilePath)$/);
    }
  });
});

/** The reference rules for forged cursor values: what PostgreSQL's casts accept. */
function castsInPostgres(sortBy: string, value: string): boolean {
  if (sortBy === "documentName") return isStorableText(value);
  if (sortBy === "fileSize" || sortBy === "id") return /^-?\d{1,10}$/.test(value) && Math.abs(Number(value)) <= MAX_INT4;
  if (sortBy === "processingTimeMs") return /^(NaN|-?Infinity)$/.test(value) || (Number.isFinite(Math.fround(Number(value))) && (Number(value) === 0 || Math.fround(Number(value)) !== 0));
  const date = new Date(`${value.replace(" ", "T")}Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value.slice(0, 10));
}

describe("documented rules, one example each (these failed before the fixes)", () => {
  it("text with a lone surrogate is refused (it would be stored as U+FFFD)", async () => {
    const error = await expectRefused((letters) => letters.create({ ...base, documentTitle: "x\ud800y" }), "documentTitle");
    expect(error.issues[0]?.message).toMatch(/lone UTF-16 surrogate/);
    await expectRefused((letters) => letters.search({ query: "\udc00" }), "query");
  });

  it("JSON: lone surrogates in strings and keys, __proto__ keys, holes, array properties, symbol keys, depth over 1,000", async () => {
    await expectRefused((letters) => letters.create({ ...base, rawGrokJson: { k: "x\ud800" } }), "rawGrokJson.k");
    await expectRefused((letters) => letters.create({ ...base, rawGrokJson: { "\udc00": 1 } }), /^rawGrokJson\./);
    await expectRefused((letters) => letters.create({ ...base, rawGrokJson: JSON.parse('{"a": {"__proto__": 1}}') as never }), "rawGrokJson.a.__proto__");
    // eslint-disable-next-line no-sparse-arrays
    await expectRefused((letters) => letters.create({ ...base, rawGrokJson: [1, , 3] as never }), "rawGrokJson.1");
    await expectRefused((letters) => letters.create({ ...base, rawGrokJson: Object.assign([1], { extra: 2 }) as never }), "rawGrokJson.extra");
    await expectRefused((letters) => letters.create({ ...base, rawGrokJson: { [Symbol("k")]: 1 } as never }), "rawGrokJson");
    await expectRefused((letters) => letters.create({ ...base, rawGrokJson: nested(1001) as never }), "rawGrokJson");
    await expectRefused((letters) => letters.create({ ...base, rawGrokJson: nested(200_000) as never }), "rawGrokJson");
    expect(() => parseInput(jsonValueSchema, nested(1000), "json")).not.toThrow();
  });

  it("REAL: -0, non-zero magnitudes below 2^-126 and values beyond float4 are refused; the rest pass", async () => {
    for (const value of [-0, 1e-300, 2 ** -127, 3.4028235677973366e38, 1e39]) {
      await expectRefused((letters) => letters.create({ ...base, processingTimeMs: value }), "processingTimeMs");
    }
    await expectRefused((letters) => letters.search({ minConfidence: 1e-300 }), "minConfidence");
    const schema = (await import("../../src/letters/letter-schemas.ts")).createLetterInputSchema;
    fc.assert(
      fc.property(anyNumber, (value) => {
        expect(schema.safeParse({ ...base, processingTimeMs: value }).success).toBe(isStorableReal(value, 0, Number.MAX_VALUE));
        expect(schema.safeParse({ ...base, extractionConfidence: value }).success).toBe(isStorableReal(value, 0, 1));
      }),
      { numRuns: 500 },
    );
  });

  it("dates outside years 1 to 9999 are refused; the bounds themselves pass", async () => {
    for (const value of [new Date(MIN_DATE.getTime() - 1), new Date(MAX_DATE.getTime() + 1), new Date(-8.64e15), new Date(8.64e15)]) {
      await expectRefused((letters) => letters.create({ ...base, createdAt: value }), "createdAt");
    }
    const schema = (await import("../../src/letters/letter-schemas.ts")).createLetterInputSchema;
    expect(schema.safeParse({ ...base, createdAt: MIN_DATE }).success).toBe(true);
    expect(schema.safeParse({ ...base, createdAt: MAX_DATE }).success).toBe(true);
  });

  it("indexed text over 2,000 UTF-8 bytes is refused (PostgreSQL's B-tree entries hold at most 2,704 bytes)", async () => {
    await expectRefused((letters) => letters.create({ ...base, documentName: "😀".repeat(501) }), "documentName");
    await expectRefused((letters) => letters.create({ ...base, products: [{ productIdentifier: "é".repeat(1001) }] }), "products.0.productIdentifier");
    await expectRefused((letters) => letters.appendDebugStep(1, { processingStep: "a".repeat(2001) }), "processingStep");
  });

  it("forged cursor positions PostgreSQL could not cast are refused", async () => {
    const forge = (s: string, v: string) => Buffer.from(JSON.stringify({ s, o: "desc", v, i: 1 }), "utf8").toString("base64url");
    for (const [sortBy, value] of [["createdAt", "2021-13-01 00:00:00"], ["fileSize", "9999999999"], ["processingTimeMs", "1e999"], ["processingTimeMs", "1e-50"], ["documentName", "\udc00"]] as const) {
      await expectRefused((letters) => letters.searchByCursor({ sortBy, cursor: forge(sortBy, value) }), "cursor");
    }
  });

  it("a JSON field that is a bare number with 17 significant digits is refused; inside an array it is kept", async () => {
    for (const value of [0.30000000000000004, Number.MAX_VALUE, 1.2345678901234567]) {
      await expectRefused((letters) => letters.create({ ...base, rawGrokJson: value }), "rawGrokJson");
    }
    const schema = (await import("../../src/letters/letter-schemas.ts")).createLetterInputSchema;
    expect(schema.safeParse({ ...base, rawGrokJson: [0.30000000000000004], ocrSupplementaryJson: 0.1 }).success).toBe(true);
  });

  it("valid values of every kind pass validation unchanged", () => {
    const schema = import("../../src/letters/letter-schemas.ts");
    return schema.then(({ createLetterInputSchema }) =>
      fc.assert(
        fc.property(storableRequiredText(), storedJson, (text, json) => {
          const parsed = createLetterInputSchema.parse({ ...base, documentTitle: text, rawGrokJson: json });
          expect(parsed.documentTitle).toBe(text);
          expect(parsed.rawGrokJson).toBe(json);
        }),
        runs,
      ),
    );
  });
});
