import type { LetterProduct, LetterProductMatch, ProcessingDebug } from "../generated/prisma/client.ts";
import type { JsonValue } from "./json-value.ts";
import type { LetterInclude } from "./letter-schemas.ts";

/**
 * A stored letter, without its children. Timestamps are UTC instants (millisecond precision).
 *
 * JSON columns keep SQL NULL and JSON `null` apart: the property is **absent** when the column is SQL
 * NULL, and present with value `null` when it holds JSON `null` (test with `"rawGrokJson" in letter`).
 * This mirrors the input: a JSON field left out is stored as SQL NULL, a field set to `null` as JSON `null`.
 */
export interface LetterRecord {
  id: number;
  documentName: string;
  documentType: string | null;
  documentTitle: string | null;
  sourceFilePath: string;
  fileSize: number | null;
  fileHash: string | null;
  processingMethod: string | null;
  processingTimeMs: number | null;
  extractionConfidence: number | null;
  createdAt: Date | null;
  /** Moved to the current time by the database on every update. */
  updatedAt: Date | null;
  status: string | null;
  rawGrokJson?: JsonValue;
  ocrSupplementaryJson?: JsonValue;
  processingStepsJson?: JsonValue;
  validationDetailsJson?: JsonValue;
}

/** A letter's product, in insertion order. */
export type LetterProductRecord = LetterProduct;
/** A match between a letter's product (`letterProductId`) and an IBcatalogue product. */
export type ProductMatchRecord = LetterProductMatch;
/** A processing-debug step of a letter. */
export type DebugStepRecord = ProcessingDebug;

/**
 * A letter with the children `I` asked for: `products` exists only when `I` has `products: true`,
 * likewise `matches` and `debugSteps`.
 */
export type LetterWith<I extends LetterInclude | undefined> = LetterRecord &
  (I extends { products: true } ? { products: LetterProductRecord[] } : unknown) &
  (I extends { matches: true } ? { matches: ProductMatchRecord[] } : unknown) &
  (I extends { debugSteps: true } ? { debugSteps: DebugStepRecord[] } : unknown);

/** Everything to load with a letter. */
export type IncludeAll = { products: true; matches: true; debugSteps: true };
/** A letter with its products, their matches and its debug steps, each in insertion (id) order. */
export type LetterWithChildren = LetterWith<IncludeAll>;

/** One page of {@link LetterRepository.search}, shaped as the seeds' `searchLetters`. */
export interface LetterPage {
  data: LetterRecord[];
  /**
   * Letters matching the filters, on all pages: an exact count when `totalExact`, otherwise (more than
   * twice the search's offset window match: `EXACT_TOTAL_LIMIT`, 2,000, for a text search by default)
   * PostgreSQL's planner estimate, never below that bound + 1.
   */
  total: number;
  /** `true` when `total` is an exact count, `false` when it is an estimate of a large match set. */
  totalExact: boolean;
  /** The 1-based page returned. */
  page: number;
  limit: number;
  /**
   * `ceil(total / limit)`; 0 when nothing matches. An estimate when `total` is; that page still holds
   * letters: near the end of an estimated total, pages are numbered back from it (it holds the last
   * `limit` letters).
   */
  totalPages: number;
}

/** One page of {@link LetterRepository.searchByCursor}. */
export interface LetterCursorPage {
  data: LetterRecord[];
  /** Pass as `cursor` to get the next page; `null` on the last page. */
  nextCursor: string | null;
  limit: number;
}

/** What {@link LetterRepository.createOrReplaceByFileHash} did. */
export interface ReplaceResult {
  /** The letter now stored for the hash, with its children. */
  letter: LetterWithChildren;
  /** Ids of the letters with that hash it deleted (with their children); empty when it only created. */
  replacedIds: number[];
}

/** Letters per status value. */
export interface StatusCount {
  status: string | null;
  count: number;
}

/** Figures of {@link LetterRepository.getStatistics}: the seeds' `getLetterStatistics`, plus product and match counts. */
export interface LetterStatistics {
  totalLetters: number;
  /** Letters with status `processed`. */
  processedCount: number;
  /** Letters with status `failed`. */
  failedCount: number;
  /** Every status present, most frequent first. */
  byStatus: StatusCount[];
  /** Mean extraction confidence over letters that have one; `null` when none has. */
  averageConfidence: number | null;
  /** Mean processing time in ms over letters that have one; `null` when none has. */
  averageProcessingTimeMs: number | null;
  totalProducts: number;
  totalMatches: number;
}
