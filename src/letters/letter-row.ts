import { Prisma } from "../generated/prisma/client.ts";
import type { JsonValue } from "./json-value.ts";
import type { LetterRecord } from "./letter-types.ts";

/**
 * A letters row as {@link LETTER_COLUMNS} selects it. Each JSON column comes wrapped in a one-element
 * array, or as SQL NULL, because the driver returns both SQL NULL and JSON `null` as `null`.
 */
export interface LetterRow {
  id: number;
  document_name: string;
  document_type: string | null;
  document_title: string | null;
  source_file_path: string;
  file_size: number | null;
  file_hash: string | null;
  processing_method: string | null;
  processing_time_ms: number | null;
  extraction_confidence: number | null;
  created_at: Date | null;
  updated_at: Date | null;
  status: string | null;
  raw_grok_json: [JsonValue] | null;
  ocr_supplementary_json: [JsonValue] | null;
  processing_steps_json: [JsonValue] | null;
  validation_details_json: [JsonValue] | null;
}

const wrappedJson = (column: string) =>
  Prisma.raw(`CASE WHEN l.${column} IS NULL THEN NULL ELSE jsonb_build_array(l.${column}) END AS ${column}`);

/** The select list of a {@link LetterRow}, for a query whose `letters` table is aliased `l`. */
export const LETTER_COLUMNS = Prisma.sql`l.id, l.document_name, l.document_type, l.document_title, l.source_file_path,
  l.file_size, l.file_hash, l.processing_method, l.processing_time_ms, l.extraction_confidence,
  l.created_at, l.updated_at, l.status,
  ${wrappedJson("raw_grok_json")}, ${wrappedJson("ocr_supplementary_json")},
  ${wrappedJson("processing_steps_json")}, ${wrappedJson("validation_details_json")}`;

/** Turns a {@link LetterRow} into a {@link LetterRecord}: SQL NULL JSON columns become absent properties. */
export function toLetterRecord(row: LetterRow): LetterRecord {
  const letter: LetterRecord = {
    id: row.id,
    documentName: row.document_name,
    documentType: row.document_type,
    documentTitle: row.document_title,
    sourceFilePath: row.source_file_path,
    fileSize: row.file_size,
    fileHash: row.file_hash,
    processingMethod: row.processing_method,
    processingTimeMs: row.processing_time_ms,
    extractionConfidence: row.extraction_confidence,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    status: row.status,
  };
  if (row.raw_grok_json !== null) letter.rawGrokJson = row.raw_grok_json[0];
  if (row.ocr_supplementary_json !== null) letter.ocrSupplementaryJson = row.ocr_supplementary_json[0];
  if (row.processing_steps_json !== null) letter.processingStepsJson = row.processing_steps_json[0];
  if (row.validation_details_json !== null) letter.validationDetailsJson = row.validation_details_json[0];
  return letter;
}
