import { z } from "zod";
import { jsonValueSchema } from "./json-value.ts";
import { textProblem } from "./postgres-text.ts";
import { realProblem } from "./postgres-real.ts";

// Limit of the INTEGER columns (ids, sizes).
const MAX_INT4 = 2_147_483_647;

/**
 * Text PostgreSQL stores unchanged: any string without NUL characters and without lone UTF-16
 * surrogates (which UTF-8 cannot encode).
 */
export const textSchema = z.string().check((payload) => {
  const problem = textProblem(payload.value);
  if (problem !== null) payload.issues.push({ code: "custom", message: problem, input: payload.value });
});
/** Text that must not be empty or only whitespace. */
export const requiredTextSchema = textSchema.refine((text) => text.trim() !== "", "must not be empty");
/** Optional text column: a string, `null` or absent (both of the latter store SQL NULL). */
const optionalText = textSchema.nullable().optional();

/** Longest value, in UTF-8 bytes, of a text column with a B-tree index (an index entry holds at most 2,704 bytes). */
export const MAX_INDEXED_TEXT_BYTES = 2000;
const withinIndexLimit = (payload: { value: string; issues: z.core.$ZodRawIssue[] }): void => {
  if (Buffer.byteLength(payload.value, "utf8") > MAX_INDEXED_TEXT_BYTES) {
    payload.issues.push({ code: "custom", message: `must be at most ${MAX_INDEXED_TEXT_BYTES} bytes in UTF-8 (the column is indexed)`, input: payload.value });
  }
};
/** Required text of an indexed column: at most {@link MAX_INDEXED_TEXT_BYTES} bytes. */
const requiredIndexedText = requiredTextSchema.check(withinIndexLimit);
/** Optional text of an indexed column: at most {@link MAX_INDEXED_TEXT_BYTES} bytes. */
const optionalIndexedText = textSchema.check(withinIndexLimit).nullable().optional();

/** Earliest instant a timestamp field takes: 0001-01-01T00:00:00.000Z. */
export const MIN_TIMESTAMP = new Date("0001-01-01T00:00:00.000Z");
/** Latest instant a timestamp field takes: 9999-12-31T23:59:59.999Z. */
export const MAX_TIMESTAMP = new Date("9999-12-31T23:59:59.999Z");
/**
 * A valid `Date` from year 1 to year 9999 (UTC): the instants the Prisma client writes and reads back
 * exactly. Earlier or later ones (JavaScript reaches year -271821 and 275760) are refused.
 */
export const timestampSchema = z
  .date("must be a valid Date")
  .min(MIN_TIMESTAMP, "must be in year 1 or later (UTC)")
  .max(MAX_TIMESTAMP, "must be in year 9999 or earlier (UTC)");
/** A number for a REAL column: stored rounded to float4 precision (see {@link realProblem}). */
const realSchema = z.number().check((payload) => {
  const problem = realProblem(payload.value);
  if (problem !== null) payload.issues.push({ code: "custom", message: problem, input: payload.value });
});
/** A score or confidence between 0 and 1 inclusive, stored as REAL. */
export const unitIntervalSchema = realSchema.min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");
const optionalUnitInterval = unitIntervalSchema.nullable().optional();
/** A non-negative duration or size that fits a REAL column. */
const optionalMeasure = realSchema.min(0).nullable().optional();
/**
 * A JSON column's value. One that is a bare number must keep its value when rounded to 16 significant
 * digits, because the Prisma client rounds a bare JSON number so (`0.30000000000000004` would be stored
 * as `0.3`, `Number.MAX_VALUE` as `null`); numbers inside arrays and objects are stored exactly.
 */
const storedJsonSchema = jsonValueSchema.check((payload) => {
  const value = payload.value;
  if (typeof value === "number" && Number.isFinite(value) && Number(value.toExponential(15)) !== value) {
    payload.issues.push({
      code: "custom",
      message: "a bare JSON number must have at most 16 significant digits (the Prisma client rounds it): put it in an array or object to keep all 17",
      input: value,
    });
  }
});
/** An optional JSON column: absent (or `undefined`) stores SQL NULL; `null` stores JSON `null`. */
const optionalJson = storedJsonSchema.optional();

/** A row id: a positive integer that fits PostgreSQL's INTEGER. */
export const idSchema = z.int("must be an integer id").min(1, "must be a positive id").max(MAX_INT4, `must be at most ${MAX_INT4}`);

/** A letter status such as `processed` or `failed`: non-empty text of at most 100 characters. */
export const statusSchema = requiredTextSchema.pipe(z.string().max(100));

/** A product found in a letter. Fields are the `letter_products` columns; absent ones take the column default. */
export const letterProductInputSchema = z.strictObject({
  productIdentifier: optionalIndexedText,
  rangeLabel: optionalIndexedText,
  subrangeLabel: optionalText,
  productLine: optionalText,
  productDescription: optionalText,
  obsolescenceStatus: optionalText,
  endOfServiceDate: optionalText,
  replacementSuggestions: optionalText,
  /** Between 0 and 1. Defaults to 0. */
  confidenceScore: optionalUnitInterval,
  /** Defaults to `validated`. */
  validationStatus: optionalText,
});

/**
 * A match between one of the letter's products and an IBcatalogue product. `productIndex` is the
 * zero-based position of the matched product in the same call's `products` array.
 */
export const productMatchInputSchema = z.strictObject({
  productIndex: z.int("must be an integer position in products").min(0, "must be a position in products (0 or more)"),
  ibcatalogueProductIdentifier: requiredIndexedText,
  /** Between 0 and 1. */
  matchConfidence: unitIntervalSchema,
  matchReason: optionalText,
  /** Between 0 and 1. Defaults to 0. */
  technicalMatchScore: optionalUnitInterval,
  /** Between 0 and 1. Defaults to 0. */
  nomenclatureMatchScore: optionalUnitInterval,
  /** Between 0 and 1. Defaults to 0. */
  productLineMatchScore: optionalUnitInterval,
  matchType: optionalIndexedText,
  /** Defaults to `false`. */
  rangeBasedMatching: z.boolean().nullable().optional(),
});

/** One step of the letter's processing, for debugging the pipeline. */
export const debugStepInputSchema = z.strictObject({
  processingStep: requiredIndexedText,
  /** When the step ran (UTC), year 1 to 9999. Defaults to the time of insertion. */
  stepTimestamp: timestampSchema.optional(),
  stepDurationMs: optionalMeasure,
  /** Defaults to `true`. */
  stepSuccess: z.boolean().nullable().optional(),
  stepDetails: optionalText,
  errorMessage: optionalText,
});

const letterShape = {
  documentName: requiredIndexedText,
  sourceFilePath: requiredIndexedText,
  documentType: optionalIndexedText,
  documentTitle: optionalIndexedText,
  /** Bytes. */
  fileSize: z.int("must be an integer number of bytes").min(0).max(MAX_INT4).nullable().optional(),
  /** Content hash of the source file; the key of {@link LetterRepository.createOrReplaceByFileHash}. */
  fileHash: optionalIndexedText,
  /** Defaults to `production_pipeline`. */
  processingMethod: optionalText,
  processingTimeMs: optionalMeasure,
  /** Between 0 and 1. */
  extractionConfidence: optionalUnitInterval,
  /** Defaults to `processed`. */
  status: statusSchema.optional(),
  /** When the letter was created (UTC), year 1 to 9999. Defaults to the time of insertion. */
  createdAt: timestampSchema.optional(),
  rawGrokJson: optionalJson,
  ocrSupplementaryJson: optionalJson,
  processingStepsJson: optionalJson,
  validationDetailsJson: optionalJson,
  /** Defaults to none. */
  products: z.array(letterProductInputSchema).optional(),
  /** Each refers to an entry of `products` by its position. Defaults to none. */
  matches: z.array(productMatchInputSchema).optional(),
  /** Defaults to none. */
  debugSteps: z.array(debugStepInputSchema).optional(),
};

/**
 * Checks that every match's `productIndex` names an entry of `products`. Runs even when other fields
 * are invalid (so one call reports every problem), hence it reads the input defensively.
 */
function checkMatchReferences(input: unknown, context: z.RefinementCtx): void {
  const { products, matches } = input as { products?: unknown; matches?: unknown };
  if (!Array.isArray(matches)) return;
  const productCount = Array.isArray(products) ? products.length : 0;
  matches.forEach((match: unknown, index) => {
    const productIndex = (match as { productIndex?: unknown } | null)?.productIndex;
    if (Number.isInteger(productIndex) && (productIndex as number) >= productCount) {
      context.addIssue({
        code: "custom",
        path: ["matches", index, "productIndex"],
        message: `refers to products[${String(productIndex)}], but ${productCount} product(s) were given`,
      });
    }
  });
}

/** Run the cross-field check whatever else failed, as long as the input is an object. */
const always = { when: (payload: { value: unknown }) => typeof payload.value === "object" && payload.value !== null };

/**
 * A processed letter with its products, their catalogue matches and its debug steps, as given to
 * {@link LetterRepository.create}. Unknown fields are errors. JSON fields: absent or `undefined` stores
 * SQL NULL, `null` stores JSON `null`, any other JSON value is stored as given.
 */
export const createLetterInputSchema = z.strictObject(letterShape).superRefine(checkMatchReferences, always);

/** Like {@link createLetterInputSchema}, with `fileHash` required: the input of {@link LetterRepository.createOrReplaceByFileHash}. */
export const replaceLetterInputSchema = z.strictObject({ ...letterShape, fileHash: requiredIndexedText }).superRefine(checkMatchReferences, always);

/** Which children to load with a letter. Each defaults to `false`. */
export const letterIncludeSchema = z.strictObject({
  products: z.boolean().optional(),
  matches: z.boolean().optional(),
  debugSteps: z.boolean().optional(),
});

/** The file hash given to {@link LetterRepository.findByFileHash}. */
export const fileHashSchema = requiredTextSchema;

/** The ids given to {@link LetterRepository.deleteMany}: at most 10,000 per call. */
export const idListSchema = z.array(idSchema).max(10_000, "at most 10000 ids per call");

/** Input of {@link LetterRepository.create}, as the caller writes it. */
export type CreateLetterInput = z.input<typeof createLetterInputSchema>;
/** Input of {@link LetterRepository.createOrReplaceByFileHash}, as the caller writes it. */
export type ReplaceLetterInput = z.input<typeof replaceLetterInputSchema>;
/** A validated letter input, defaults not yet applied (the database applies them). */
export type LetterData = z.output<typeof createLetterInputSchema>;
/** A product of {@link CreateLetterInput}. */
export type LetterProductInput = z.input<typeof letterProductInputSchema>;
/** A match of {@link CreateLetterInput}. */
export type ProductMatchInput = z.input<typeof productMatchInputSchema>;
/** A debug step of {@link CreateLetterInput}, or the input of {@link LetterRepository.appendDebugStep}. */
export type DebugStepInput = z.input<typeof debugStepInputSchema>;
/** Which children to load with a letter. */
export type LetterInclude = z.input<typeof letterIncludeSchema>;
