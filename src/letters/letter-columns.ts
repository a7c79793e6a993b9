import type { JsonValue } from "./json-value.ts";

/** How the repository reads a `letters` column: its PostgreSQL type, as far as reading it goes. */
export type LetterColumnKind = "integer" | "real" | "text" | "timestamp" | "json";

/** One column of `letters` as the repository reads it. */
export interface LetterColumn {
  /** The column's name in PostgreSQL (a constant: never built from input). */
  readonly column: string;
  readonly kind: LetterColumnKind;
  /** Whether the column can be SQL NULL. */
  readonly nullable: boolean;
}

/**
 * The columns of `letters` that a `LetterRecord` holds, by record property, in select order: the one
 * description from which the select list and the row mapping (`letter-row.ts`) and the sort columns
 * (`letter-sort.ts`) derive. `test/unit/letters.letter-columns.test.ts` checks it against the Prisma model
 * (names, types, nullability), and a type test checks that the record type derived from it is `LetterRecord`.
 * `search_text` is left out on purpose: PostgreSQL computes it and no record shows it.
 */
export const LETTER_COLUMN_DESCRIPTIONS = {
  id: { column: "id", kind: "integer", nullable: false },
  documentName: { column: "document_name", kind: "text", nullable: false },
  documentType: { column: "document_type", kind: "text", nullable: true },
  documentTitle: { column: "document_title", kind: "text", nullable: true },
  sourceFilePath: { column: "source_file_path", kind: "text", nullable: false },
  fileSize: { column: "file_size", kind: "integer", nullable: true },
  fileHash: { column: "file_hash", kind: "text", nullable: true },
  processingMethod: { column: "processing_method", kind: "text", nullable: true },
  processingTimeMs: { column: "processing_time_ms", kind: "real", nullable: true },
  extractionConfidence: { column: "extraction_confidence", kind: "real", nullable: true },
  createdAt: { column: "created_at", kind: "timestamp", nullable: true },
  updatedAt: { column: "updated_at", kind: "timestamp", nullable: true },
  status: { column: "status", kind: "text", nullable: true },
  rawGrokJson: { column: "raw_grok_json", kind: "json", nullable: true },
  ocrSupplementaryJson: { column: "ocr_supplementary_json", kind: "json", nullable: true },
  processingStepsJson: { column: "processing_steps_json", kind: "json", nullable: true },
  validationDetailsJson: { column: "validation_details_json", kind: "json", nullable: true },
} as const satisfies Record<string, LetterColumn>;

type Descriptions = typeof LETTER_COLUMN_DESCRIPTIONS;

/** A record property backed by a `letters` column. */
export type LetterProperty = keyof Descriptions;

/** The properties whose column is JSON: absent from a record when the column is SQL NULL. */
export type LetterJsonProperty = { [P in LetterProperty]: Descriptions[P]["kind"] extends "json" ? P : never }[LetterProperty];

/** The properties whose column is not JSON: a record always has them, `null` for SQL NULL. */
export type LetterScalarProperty = Exclude<LetterProperty, LetterJsonProperty>;

/** The JavaScript value node-postgres gives for a column of `kind` (JSON comes wrapped: see `letter-row.ts`). */
export type ColumnValue<Kind extends LetterColumnKind> = Kind extends "integer" | "real"
  ? number
  : Kind extends "text"
    ? string
    : Kind extends "timestamp"
      ? Date
      : [JsonValue];

type NullIf<Nullable extends boolean> = Nullable extends true ? null : never;

/** The value of property `P` as a row holds it. */
export type LetterColumnValue<P extends LetterProperty> = ColumnValue<Descriptions[P]["kind"]> | NullIf<Descriptions[P]["nullable"]>;

/** The description's entries, in select order. */
export const LETTER_COLUMN_ENTRIES = Object.freeze(
  Object.entries(LETTER_COLUMN_DESCRIPTIONS) as [LetterProperty, LetterColumn][],
);
