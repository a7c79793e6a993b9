import { z } from "zod";
import { jsonValueSchema } from "./json-value.ts";
import { requiredTextSchema, statusSchema, textSchema, timestampSchema, unitIntervalSchema } from "./letter-schemas.ts";

/** Columns a search may sort by. Anything else is a validation error; no sort key ever reaches SQL as text. */
export const LETTER_SORT_KEYS = [
  "createdAt",
  "updatedAt",
  "documentName",
  "documentTitle",
  "documentType",
  "status",
  "extractionConfidence",
  "processingTimeMs",
  "fileSize",
  "id",
] as const;

/** A column a search may sort by. */
export type LetterSortKey = (typeof LETTER_SORT_KEYS)[number];
/** Sort direction. */
export type SortOrder = "asc" | "desc";

/** Largest page a search returns. */
export const MAX_PAGE_LIMIT = 100;
/** Page size when none is given, as in the seeds. */
export const DEFAULT_PAGE_LIMIT = 25;

const filterShape = {
  /**
   * Free text matched case-insensitively as a substring of the document name, title or source path.
   * `%`, `_` and `\` are taken literally. Surrounding whitespace is ignored; empty means no filter.
   */
  query: textSchema.max(500, "must be at most 500 characters").optional(),
  /** One status or a list: letters with any of them. */
  status: z.union([statusSchema, z.array(statusSchema).min(1, "must list at least one status").max(50)]).optional(),
  /** Exact document type. */
  documentType: requiredTextSchema.optional(),
  /** Created at or after this instant (inclusive), year 1 to 9999. */
  createdFrom: timestampSchema.optional(),
  /** Created before this instant (exclusive), year 1 to 9999. */
  createdTo: timestampSchema.optional(),
  /**
   * Extraction confidence at least this (0 to 1), compared as a REAL, so rounded as a stored confidence
   * is. Letters without a confidence are left out.
   */
  minConfidence: unitIntervalSchema.optional(),
  /** Letters with at least one product of exactly this range label. */
  rangeLabel: requiredTextSchema.optional(),
  /** Letters with at least one product of exactly this identifier. */
  productIdentifier: requiredTextSchema.optional(),
  /** Letters whose `raw_grok_json` contains this JSON (PostgreSQL `@>`, served by the GIN index). */
  rawGrokJsonContains: jsonValueSchema.optional(),
  /** Defaults to `createdAt`. */
  sortBy: z.enum(LETTER_SORT_KEYS).default("createdAt"),
  /** Defaults to `desc`, newest first as in the seeds. */
  sortOrder: z.enum(["asc", "desc"]).default("desc"),
  /** Page size, 1 to 100. Defaults to 25. */
  limit: z
    .int("must be an integer")
    .min(1, "must be at least 1")
    .max(MAX_PAGE_LIMIT, `must be at most ${MAX_PAGE_LIMIT}`)
    .default(DEFAULT_PAGE_LIMIT),
};

/** Runs even when other fields are invalid, so it reads the input defensively. */
function checkDateRange(input: unknown, context: z.RefinementCtx): void {
  const { createdFrom, createdTo } = input as { createdFrom?: unknown; createdTo?: unknown };
  if (createdFrom instanceof Date && createdTo instanceof Date && createdFrom > createdTo) {
    context.addIssue({ code: "custom", path: ["createdTo"], message: "must not be before createdFrom" });
  }
}

/** Input of {@link LetterRepository.search}: filters, sort, and page/limit pagination. */
export const letterSearchInputSchema = z
  .strictObject({
    ...filterShape,
    /**
     * 1-based page number, at most 1,000,000; or counted back from the end: -1 is the last page, -2 the
     * one before (a "last page" link that holds however the estimated total moves). Defaults to 1.
     */
    page: z
      .int("must be an integer")
      .min(-1_000_000, "must be at least -1,000,000")
      .max(1_000_000, "must be at most 1,000,000")
      .refine((page) => page !== 0, "must not be 0 (pages count from 1, or back from -1 for the last)")
      .default(1),
  })
  .superRefine(checkDateRange, { when: (payload) => typeof payload.value === "object" && payload.value !== null });

/** Input of {@link LetterRepository.searchByCursor}: filters, sort, and keyset pagination. */
export const letterCursorSearchInputSchema = z
  .strictObject({
    ...filterShape,
    /** `nextCursor` of the previous page, with the same filters and sort; absent for the first page. */
    cursor: z.string().max(2000, "is not a cursor this package issued").optional(),
  })
  .superRefine(checkDateRange, { when: (payload) => typeof payload.value === "object" && payload.value !== null });

/** Input of {@link LetterRepository.search}, as the caller writes it. */
export type LetterSearchInput = z.input<typeof letterSearchInputSchema>;
/** Input of {@link LetterRepository.searchByCursor}, as the caller writes it. */
export type LetterCursorSearchInput = z.input<typeof letterCursorSearchInputSchema>;
/** Validated filters and sort common to both searches. */
export type LetterFilters = Omit<z.output<typeof letterSearchInputSchema>, "page">;
