import fc from "fast-check";
import { describe, expect } from "vitest";
import { ValidationError } from "../../src/errors.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import type { CreateLetterInput } from "../../src/letters/letter-schemas.ts";
import type { LetterWithChildren } from "../../src/letters/letter-types.ts";
import {
  anyNumber,
  isStorableInteger,
  longestIndexedText,
  MAX_DATE,
  MIN_DATE,
  nested,
  sixDigitReal,
  storableDate,
  storableJson,
  storedJson,
  storableReal,
  storableRequiredText,
  storableText,
  tooLongIndexedText,
  unstorableDate,
  unstorableJson,
  unstorableReal,
  unstorableText,
  wrongType,
} from "../support/hostile-values.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";
import { countedClient } from "../support/untouched-client.ts";

const database = useTestDatabase();
const it = databaseTest(database);
const MAX_INT4 = 2_147_483_647;

/** How a letter field is stored, which decides what it must take and what it must refuse. */
type FieldKind = "requiredIndexed" | "optionalIndexed" | "optionalText" | "status" | "fileSize" | "measure" | "unit" | "timestamp" | "json";

const LETTER_FIELDS: Readonly<Record<string, FieldKind>> = {
  documentName: "requiredIndexed",
  sourceFilePath: "requiredIndexed",
  documentType: "optionalIndexed",
  documentTitle: "optionalIndexed",
  fileHash: "optionalIndexed",
  processingMethod: "optionalText",
  status: "status",
  fileSize: "fileSize",
  processingTimeMs: "measure",
  extractionConfidence: "unit",
  createdAt: "timestamp",
  rawGrokJson: "json",
  ocrSupplementaryJson: "json",
  processingStepsJson: "json",
  validationDetailsJson: "json",
};

const absent = fc.constant(undefined);
const TAKEN: Record<FieldKind, fc.Arbitrary<unknown>> = {
  requiredIndexed: fc.oneof({ weight: 5, arbitrary: storableRequiredText() }, { weight: 1, arbitrary: longestIndexedText }),
  optionalIndexed: fc.oneof({ weight: 5, arbitrary: storableText() }, longestIndexedText, fc.constant(null), absent),
  optionalText: fc.oneof(storableText(), storableText(3).map((text) => text.repeat(3000)), fc.constant(null), absent),
  status: fc.oneof(storableRequiredText(24), absent),
  fileSize: fc.oneof(fc.integer({ min: 0, max: MAX_INT4 }), fc.constantFrom(0, -0, MAX_INT4, null), absent),
  measure: fc.oneof(storableReal(Number.MAX_VALUE), fc.constant(null), absent),
  unit: fc.oneof(storableReal(1), fc.constant(null), absent),
  timestamp: fc.oneof(storableDate, absent),
  json: fc.oneof({ weight: 4, arbitrary: storedJson }, fc.constant(null), absent),
};
const REFUSED: Record<FieldKind, fc.Arbitrary<unknown>> = {
  requiredIndexed: fc.oneof(unstorableText, tooLongIndexedText, fc.constantFrom("", " \t\n", null, undefined), wrongType, anyNumber),
  optionalIndexed: fc.oneof(unstorableText, tooLongIndexedText, wrongType, anyNumber),
  optionalText: fc.oneof(unstorableText, wrongType, anyNumber),
  status: fc.oneof(unstorableText, fc.constantFrom("", " ", null, "s".repeat(101)), wrongType, anyNumber),
  fileSize: fc.oneof(anyNumber, wrongType, fc.string()).filter((value) => !isStorableInteger(value, 0, MAX_INT4)),
  measure: unstorableReal(Number.MAX_VALUE),
  unit: unstorableReal(1),
  timestamp: unstorableDate,
  json: unstorableJson,
};

/** A letter's fields, each taken (weight 24) or refused (weight 1), with the names of the refused ones. */
const mixedLetter = fc
  .tuple(
    fc.record(
      Object.fromEntries(
        Object.entries(LETTER_FIELDS).map(([field, kind]) => [
          field,
          fc.oneof({ weight: 24, arbitrary: TAKEN[kind].map((value) => ({ value, refused: false })) }, { weight: 1, arbitrary: REFUSED[kind].map((value) => ({ value, refused: true })) }),
        ]),
      ),
    ),
    fc.option(fc.constantFrom("colour", "id", "updatedAt", "search_text"), { freq: 20 }),
  )
  .map(([fields, extra]) => {
    const input: Record<string, unknown> = {};
    const refused = new Set<string>();
    for (const [field, { value, refused: isRefused }] of Object.entries(fields)) {
      if (value !== undefined) input[field] = value;
      if (isRefused) refused.add(field);
    }
    if (extra !== null) {
      input[extra] = 1;
      refused.add(extra);
    }
    return { input, refused };
  });

/** Children that must be stored as given: products, matches naming them by position, debug steps. */
const takenChildren = fc.integer({ min: 0, max: 3 }).chain((productCount) =>
  fc.record({
    products: fc.array(
      fc.record(
        {
          productIdentifier: TAKEN.optionalIndexed,
          rangeLabel: TAKEN.optionalIndexed,
          productDescription: TAKEN.optionalText,
          endOfServiceDate: TAKEN.optionalText,
          confidenceScore: TAKEN.unit,
          validationStatus: TAKEN.optionalText,
        },
        { requiredKeys: [] },
      ),
      { minLength: productCount, maxLength: productCount },
    ),
    matches:
      productCount === 0
        ? fc.constant([])
        : fc.array(
            fc.record({
              productIndex: fc.integer({ min: 0, max: productCount - 1 }),
              ibcatalogueProductIdentifier: TAKEN.requiredIndexed,
              matchConfidence: storableReal(1),
              matchType: TAKEN.optionalIndexed,
              technicalMatchScore: TAKEN.unit,
              rangeBasedMatching: fc.option(fc.boolean()),
            }),
            { maxLength: 3 },
          ),
    debugSteps: fc.array(
      fc.record({
        processingStep: TAKEN.requiredIndexed,
        stepTimestamp: TAKEN.timestamp,
        stepDurationMs: TAKEN.measure,
        stepSuccess: fc.option(fc.boolean()),
        errorMessage: TAKEN.optionalText,
      }),
      { maxLength: 3 },
    ),
  }),
);

/** `value` without its `undefined` properties: what the caller means by leaving a field out. */
function present<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

/** Row counts and sequence positions: any INSERT attempted, even rolled back, moves a sequence. */
async function tableState(): Promise<unknown> {
  return database.sql(`SELECT (SELECT count(*) FROM letters)::int AS letters, (SELECT count(*) FROM letter_products)::int AS products,
      (SELECT count(*) FROM letter_product_matches)::int AS matches, (SELECT count(*) FROM processing_debug)::int AS steps,
      (SELECT json_agg(json_build_array(sequencename, last_value) ORDER BY sequencename) FROM pg_sequences) AS sequences`);
}

/** A REAL read back: equal to the given value rounded to float4 (`Math.fround`), or SQL NULL for NULL/absent. */
function expectReal(got: number | null, given: unknown): void {
  if (given === undefined || given === null) expect(got).toBeNull();
  else expect(Math.fround(got as number), `${String(got)} read back for ${String(given)}`).toBe(Math.fround(given as number));
}

/** Text read back: exactly as given, or `fallback` (the column default or NULL) when it was left out. */
function expectText(got: string | null, given: unknown, fallback: string | null = null): void {
  expect(got).toBe(given === undefined ? fallback : given);
}

/** JSON read back: absent for a field left out, else the value as JSON holds it (`-0` becomes `0`). */
function expectJson(got: Record<string, unknown>, field: string, given: unknown): void {
  if (given === undefined) expect(field in got, `${field} should be SQL NULL`).toBe(false);
  else expect(got[field]).toStrictEqual(JSON.parse(JSON.stringify(given)));
}

/** Checks that `stored` (read back by findById) is exactly `input` under the documented rules. */
function expectStoredAsGiven(stored: LetterWithChildren, input: Record<string, unknown>): void {
  const letter = stored as unknown as Record<string, unknown>;
  for (const [field, kind] of Object.entries(LETTER_FIELDS)) {
    const given = input[field];
    const got = letter[field];
    switch (kind) {
      case "requiredIndexed":
      case "optionalIndexed":
        expectText(got as string | null, given);
        break;
      case "optionalText":
        expectText(got as string | null, given, "production_pipeline");
        break;
      case "status":
        expectText(got as string | null, given, "processed");
        break;
      case "fileSize":
        // INTEGER has no -0: it reads back as 0.
        expect(got).toBe(given === undefined || given === null ? null : (given as number) + 0);
        break;
      case "measure":
      case "unit":
        expectReal(got as number | null, given);
        break;
      case "timestamp":
        if (given === undefined) expect(got).toBeInstanceOf(Date);
        else expect((got as Date).getTime()).toBe((given as Date).getTime());
        break;
      case "json":
        expectJson(letter, field, given);
        break;
    }
  }
  const { products = [], matches = [], debugSteps = [] } = input as Pick<CreateLetterInput, "products" | "matches" | "debugSteps">;
  const children = { products, matches, debugSteps };
  expect(stored.products).toHaveLength(children.products.length);
  stored.products.forEach((product, index) => {
    const given = children.products[index]!;
    expectText(product.productIdentifier, given.productIdentifier);
    expectText(product.rangeLabel, given.rangeLabel);
    expectText(product.productDescription, given.productDescription);
    expectText(product.endOfServiceDate, given.endOfServiceDate);
    expectText(product.validationStatus, given.validationStatus, "validated");
    expectReal(product.confidenceScore, given.confidenceScore === undefined ? 0 : given.confidenceScore);
  });
  expect(stored.matches).toHaveLength(children.matches.length);
  stored.matches.forEach((match, index) => {
    const given = children.matches[index]!;
    expect(match.letterProductId).toBe(stored.products[given.productIndex]!.id);
    expectText(match.ibcatalogueProductIdentifier, given.ibcatalogueProductIdentifier);
    expectText(match.matchType, given.matchType);
    expectReal(match.matchConfidence, given.matchConfidence);
    expectReal(match.technicalMatchScore, given.technicalMatchScore === undefined ? 0 : given.technicalMatchScore);
    expect(match.rangeBasedMatching).toBe(given.rangeBasedMatching === undefined ? false : given.rangeBasedMatching);
  });
  expect(stored.debugSteps).toHaveLength(children.debugSteps.length);
  stored.debugSteps.forEach((step, index) => {
    const given = children.debugSteps[index]!;
    expectText(step.processingStep, given.processingStep);
    expectText(step.errorMessage, given.errorMessage);
    expectReal(step.stepDurationMs, given.stepDurationMs);
    expect(step.stepSuccess).toBe(given.stepSuccess === undefined ? true : given.stepSuccess);
    if (given.stepTimestamp !== undefined) expect(step.stepTimestamp?.getTime()).toBe(given.stepTimestamp.getTime());
  });
}

describe("LetterRepository with hostile input, on a real PostgreSQL (property-based)", () => {
  it("create: each letter is stored and read back as given, or refused naming exactly its bad fields with nothing sent", async ({ db }) => {
    await fc.assert(
      fc.asyncProperty(mixedLetter, takenChildren, async ({ input, refused }, children) => {
        const counted = countedClient(db.prisma);
        const letters = new LetterRepository(counted.client);
        const full = { ...input, ...present(children) };
        if (refused.size === 0) {
          const created = await letters.create(full as CreateLetterInput);
          expectStoredAsGiven(created, full);
          expectStoredAsGiven((await letters.findById(created.id, { products: true, matches: true, debugSteps: true }))!, full);
          return;
        }
        const before = await tableState();
        const error: unknown = await letters.create(full as CreateLetterInput).then(
          () => new Error("the letter was stored"),
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).code).toBe("VALIDATION_FAILED");
        expect(new Set((error as ValidationError).issues.map((issue) => issue.path.split(".")[0]))).toEqual(refused);
        expect(counted.uses(), "the client was used although the input was refused").toBe(0);
        expect(await tableState()).toEqual(before);
      }),
      { numRuns: 60 },
    );
  });

  it("createOrReplaceByFileHash, appendDebugStep and setStatus store values as given; refused ones change nothing", async ({ letters }) => {
    const { id } = await letters.create({ documentName: "steps.pdf", sourceFilePath: "/steps.pdf" });
    await fc.assert(
      fc.asyncProperty(
        TAKEN.requiredIndexed,
        fc.oneof(
          fc.record({ status: storableRequiredText(24).filter((text) => text.length <= 100) }).map((value) => ({ ...value, ok: true })),
          fc.record({ status: REFUSED.status }).map((value) => ({ ...value, ok: false })),
        ),
        fc.oneof(
          fc.record({ processingStep: TAKEN.requiredIndexed, stepDurationMs: TAKEN.measure, stepTimestamp: TAKEN.timestamp }).map((step) => ({ step: present(step), ok: true })),
          fc.record({ processingStep: REFUSED.requiredIndexed }).map((step) => ({ step, ok: false })),
          fc.record({ processingStep: fc.constant("s"), stepDurationMs: REFUSED.measure }).map((step) => ({ step, ok: false })),
          fc.record({ processingStep: fc.constant("s"), stepTimestamp: REFUSED.timestamp }).map((step) => ({ step, ok: false })),
        ),
        async (fileHash, status, debug) => {
          const replaced = await letters.createOrReplaceByFileHash({ documentName: "r.pdf", sourceFilePath: "/r.pdf", fileHash: fileHash as string });
          expect(replaced.letter.fileHash).toBe(fileHash);
          expect((await letters.findByFileHash(fileHash as string)).map((letter) => letter.id)).toEqual([replaced.letter.id]);

          const before = await tableState();
          const updated = letters.setStatus(id, status.status as string);
          if (status.ok) expect((await updated).status).toBe(status.status);
          else await expect(updated).rejects.toMatchObject({ code: "VALIDATION_FAILED" });

          const appended = letters.appendDebugStep(id, debug.step as never);
          if (debug.ok) {
            const step = await appended;
            const given = debug.step as { processingStep: string; stepDurationMs?: number | null; stepTimestamp?: Date };
            expect(step.processingStep).toBe(given.processingStep);
            expectReal(step.stepDurationMs, given.stepDurationMs);
            if (given.stepTimestamp !== undefined) expect(step.stepTimestamp?.getTime()).toBe(given.stepTimestamp.getTime());
          } else {
            await expect(appended).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
            if (!status.ok) expect(await tableState()).toEqual(before);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("searches with any filter values either answer or refuse with a ValidationError, and find stored text and JSON as given", async ({ letters }) => {
    const filters = fc.record(
      {
        query: fc.oneof(storableText(), unstorableText, fc.string({ maxLength: 600 }), wrongType),
        status: fc.oneof(storableRequiredText(), fc.array(fc.oneof(storableRequiredText(), unstorableText), { maxLength: 3 }), unstorableText),
        documentType: fc.oneof(storableText(), unstorableText),
        createdFrom: fc.oneof(storableDate, unstorableDate),
        createdTo: fc.oneof(storableDate, unstorableDate),
        minConfidence: fc.oneof(storableReal(1), unstorableReal(1)),
        rangeLabel: fc.oneof(storableText(), unstorableText),
        rawGrokJsonContains: fc.oneof(storableJson, unstorableJson),
        sortBy: fc.oneof(fc.constantFrom("createdAt", "documentName", "processingTimeMs", "fileSize", "id"), fc.string()),
        limit: fc.oneof(fc.integer({ min: 1, max: 100 }), anyNumber),
        page: fc.oneof(fc.integer({ min: 1, max: 3 }), anyNumber),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(filters, async (search) => {
        const { page, ...cursorSearch } = search;
        for (const call of [() => letters.search({ ...cursorSearch, page } as never), () => letters.searchByCursor(cursorSearch as never)]) {
          const result: unknown = await call().catch((error: unknown) => error);
          if (result instanceof Error) expect(result).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(storableRequiredText(), storedJson, async (title, json) => {
        const stored = await letters.create({ documentName: title, sourceFilePath: "/s", documentTitle: title, rawGrokJson: json as never });
        const query = title.trim();
        if (query.length <= 500) expect((await letters.search({ query, limit: 100 })).data.map((letter) => letter.id)).toContain(stored.id);
        expect((await letters.search({ rawGrokJsonContains: json as never, limit: 100 })).data.map((letter) => letter.id)).toContain(stored.id);
        expect((await letters.searchByCursor({ sortBy: "documentName", sortOrder: "asc", limit: 100 })).data.length).toBeGreaterThan(0);
      }),
      { numRuns: 25 },
    );
  });

  it("a JSON field that is a bare number is stored exactly or refused (the Prisma client rounds bare numbers to 16 digits)", async ({ letters }) => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constantFrom(0.30000000000000004, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2, 1e21, -0)),
        async (value) => {
          const outcome: unknown = await letters.create({ documentName: "n", sourceFilePath: "/n", rawGrokJson: value }).catch((error: unknown) => error);
          if (outcome instanceof ValidationError) {
            expect(outcome.issues.map((issue) => issue.path)).toEqual(["rawGrokJson"]);
            expect(Number(value.toPrecision(16))).not.toBe(value);
          } else {
            expect((outcome as LetterWithChildren).rawGrokJson).toBe(value + 0);
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe("limits of the documented rules, on the server itself", () => {
  it("stores the boundaries: JSON 1,000 levels deep, 2,000-byte indexed text in every indexed column, years 1 and 9999, REAL's extremes", async ({ letters }) => {
    for (const text of ["a".repeat(2000), "é".repeat(1000), "€".repeat(666) + "ab", "😀".repeat(500)]) {
      const input = {
        documentName: text,
        sourceFilePath: text,
        documentType: text,
        documentTitle: text,
        fileHash: text,
        status: "😀".repeat(50),
        createdAt: MAX_DATE,
        rawGrokJson: nested(1000),
        products: [{ productIdentifier: text, rangeLabel: text }],
        matches: [{ productIndex: 0, ibcatalogueProductIdentifier: text, matchConfidence: 2 ** -126, matchType: text }],
        debugSteps: [{ processingStep: text, stepTimestamp: MIN_DATE, stepDurationMs: 3.4028234663852886e38 }],
      } as const;
      const stored = await letters.create(input as unknown as CreateLetterInput);
      expectStoredAsGiven(stored, input as unknown as Record<string, unknown>);
      expect(stored.rawGrokJson).toStrictEqual(nested(1000));
    }
    await expect(letters.create({ documentName: "d", sourceFilePath: "/d", rawGrokJson: nested(1001) as never })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("REAL: values of at most 6 significant digits below 2^24 read back exactly (Object.is); any other is Math.fround-equal", async ({ letters }) => {
    await fc.assert(
      fc.asyncProperty(sixDigitReal(1), sixDigitReal(2 ** 24 - 1), fc.float({ min: 0, max: 1, noNaN: true }).filter((value) => value === 0 || value >= 2 ** -126), async (confidence, duration, float) => {
        const stored = await letters.create({
          documentName: "r",
          sourceFilePath: "/r",
          extractionConfidence: confidence,
          processingTimeMs: duration,
          products: [{ confidenceScore: Object.is(float, -0) ? 0 : float }],
        });
        expect(Object.is(stored.extractionConfidence, confidence), `${String(stored.extractionConfidence)} for ${confidence}`).toBe(true);
        expect(Object.is(stored.processingTimeMs, duration), `${String(stored.processingTimeMs)} for ${duration}`).toBe(true);
        expectReal(stored.products[0]!.confidenceScore, Object.is(float, -0) ? 0 : float);
      }),
      { numRuns: 60 },
    );
  });
});
