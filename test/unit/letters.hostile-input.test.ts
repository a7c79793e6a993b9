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
});
