import { Prisma } from "../generated/prisma/client.ts";
import { LETTER_COLUMN_DESCRIPTIONS, type LetterColumnKind, type LetterProperty } from "./letter-columns.ts";
import { LETTER_SORT_KEYS, type LetterSortKey } from "./letter-search-schemas.ts";

/** PostgreSQL type of a sort column, to cast a cursor's text value back to it. */
export type SortValueKind = Exclude<LetterColumnKind, "json">;

/** A sort key's fixed SQL: the column, its type, whether it can be NULL. */
export interface SortColumn {
  /** `l.<column>`: a constant fragment, never built from input. */
  readonly column: Prisma.Sql;
  readonly kind: SortValueKind;
  readonly nullable: boolean;
}

// A JSON column cannot be a sort key: this fails to compile if one is added to LETTER_SORT_KEYS.
type SortableKey = { [P in LetterProperty]: (typeof LETTER_COLUMN_DESCRIPTIONS)[P]["kind"] extends "json" ? never : P }[LetterProperty];
const sortableKeys: readonly SortableKey[] = LETTER_SORT_KEYS;

/** The whitelist: each accepted sort key and the only SQL it can produce, from the `letters` column description. */
export const SORT_COLUMNS: Readonly<Record<LetterSortKey, SortColumn>> = Object.freeze(
  Object.fromEntries(
    sortableKeys.map((key) => {
      const { column, kind, nullable } = LETTER_COLUMN_DESCRIPTIONS[key];
      return [key, Object.freeze({ column: Prisma.raw(`l.${column}`), kind, nullable })];
    }),
  ) as Record<LetterSortKey, SortColumn>,
);

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
