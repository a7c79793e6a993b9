import { Prisma } from "../generated/prisma/client.ts";
import type { LetterSortKey } from "./letter-search-schemas.ts";

/** PostgreSQL type of a sort column, to cast a cursor's text value back to it. */
export type SortValueKind = "timestamp" | "real" | "text" | "integer";

/** A sort key's fixed SQL: the column, its type, whether it can be NULL. */
export interface SortColumn {
  /** `l.<column>`: a constant fragment, never built from input. */
  readonly column: Prisma.Sql;
  readonly kind: SortValueKind;
  readonly nullable: boolean;
}

const column = (name: string, kind: SortValueKind, nullable: boolean): SortColumn =>
  Object.freeze({ column: Prisma.raw(`l.${name}`), kind, nullable });

/** The whitelist: each accepted sort key and the only SQL it can produce. */
export const SORT_COLUMNS: Readonly<Record<LetterSortKey, SortColumn>> = Object.freeze({
  createdAt: column("created_at", "timestamp", true),
  updatedAt: column("updated_at", "timestamp", true),
  documentName: column("document_name", "text", false),
  documentTitle: column("document_title", "text", true),
  documentType: column("document_type", "text", true),
  status: column("status", "text", true),
  extractionConfidence: column("extraction_confidence", "real", true),
  processingTimeMs: column("processing_time_ms", "real", true),
  fileSize: column("file_size", "integer", true),
  id: column("id", "integer", false),
});

const CASTS: Readonly<Record<SortValueKind, Prisma.Sql>> = {
  timestamp: Prisma.raw("timestamp(6)"),
  real: Prisma.raw("real"),
  text: Prisma.raw("text"),
  integer: Prisma.raw("integer"),
};

/** `<value>::<type of the column>`: a bound text parameter cast to the sort column's type. */
export function castSortValue(kind: SortValueKind, value: string): Prisma.Sql {
  return Prisma.sql`CAST(${value} AS ${CASTS[kind]})`;
}

/** What PostgreSQL prints for each kind, so a tampered cursor fails validation instead of a cast in SQL. */
export const SORT_VALUE_PATTERNS: Readonly<Record<SortValueKind, RegExp>> = {
  timestamp: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/,
  real: /^(-?\d+(\.\d+)?(e[+-]?\d+)?|NaN|-?Infinity)$/,
  text: /^[^\u0000]*$/,
  integer: /^-?\d{1,10}$/,
};

/** `ASC` or `DESC`, from the validated direction only. */
export function direction(sortOrder: "asc" | "desc"): Prisma.Sql {
  return sortOrder === "asc" ? Prisma.raw("ASC") : Prisma.raw("DESC");
}
