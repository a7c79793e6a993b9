import { Prisma } from "../generated/prisma/client.ts";
import { LETTER_COLUMN_DESCRIPTIONS, LETTER_COLUMN_ENTRIES, type LetterColumnValue, type LetterProperty } from "./letter-columns.ts";
import type { LetterRecord } from "./letter-types.ts";

type Descriptions = typeof LETTER_COLUMN_DESCRIPTIONS;

/**
 * A letters row as {@link LETTER_COLUMNS} selects it, keyed by column name. Each JSON column comes wrapped
 * in a one-element array, or as SQL NULL, because the driver returns both SQL NULL and JSON `null` as `null`.
 */
export type LetterRow = { [P in LetterProperty as Descriptions[P]["column"]]: LetterColumnValue<P> };

const selectItem = ({ column, kind }: { column: string; kind: string }): string =>
  kind === "json" ? `CASE WHEN l.${column} IS NULL THEN NULL ELSE jsonb_build_array(l.${column}) END AS ${column}` : `l.${column}`;

/** The select list of a {@link LetterRow}, for a query whose `letters` table is aliased `l`. */
export const LETTER_COLUMNS = Prisma.raw(LETTER_COLUMN_ENTRIES.map(([, description]) => selectItem(description)).join(", "));

/** Turns a {@link LetterRow} into a {@link LetterRecord}: SQL NULL JSON columns become absent properties. */
export function toLetterRecord(row: LetterRow): LetterRecord {
  const values = row as unknown as Record<string, unknown>;
  const letter: Record<string, unknown> = {};
  for (const [property, { column, kind }] of LETTER_COLUMN_ENTRIES) {
    const value = values[column];
    if (kind !== "json") letter[property] = value;
    else if (value !== null) letter[property] = (value as unknown[])[0];
  }
  return letter as unknown as LetterRecord;
}
