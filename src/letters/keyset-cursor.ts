import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { LETTER_SORT_KEYS, type LetterSortKey, type SortOrder } from "./letter-search-schemas.ts";
import { SORT_COLUMNS, SORT_VALUE_PATTERNS, type SortValueKind } from "./letter-sort.ts";
import { textProblem } from "./postgres-text.ts";

/**
 * Where a keyset page ended: the last row's sort value, exactly as PostgreSQL prints it (so a
 * microsecond timestamp survives the round trip that a JavaScript `Date` would truncate), and its id.
 * The sort it was issued for travels with it, so a cursor cannot be replayed against another order.
 */
export interface KeysetPosition {
  sortBy: LetterSortKey;
  sortOrder: SortOrder;
  /** The sort column's value as text, or `null` when the row's value is SQL NULL. */
  value: string | null;
  id: number;
}

const payloadSchema = z.strictObject({
  s: z.enum(LETTER_SORT_KEYS),
  o: z.enum(["asc", "desc"]),
  v: z.string().max(1000).nullable(),
  i: z.int().min(1).max(2_147_483_647),
});

/** Encodes a position as an opaque URL-safe cursor (base64url of a small JSON object). */
export function encodeCursor(position: KeysetPosition): string {
  const payload: z.input<typeof payloadSchema> = { s: position.sortBy, o: position.sortOrder, v: position.value, i: position.id };
  return Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
}

/**
 * Decodes a cursor from {@link encodeCursor} and checks it was issued for the same sort.
 *
 * @throws {ValidationError} when the cursor is malformed, or was issued for another `sortBy`/`sortOrder`.
 */
export function decodeCursor(cursor: string, sortBy: LetterSortKey, sortOrder: SortOrder): KeysetPosition {
  const invalid = (message: string) => new ValidationError([{ path: "cursor", message }], "cursor");
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid("is not a cursor this package issued (not base64url)");
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid("is not a cursor this package issued (not JSON)");
  }
  const parsed = payloadSchema.safeParse(decoded);
  if (!parsed.success) throw invalid("is not a cursor this package issued (unexpected content)");
  const { s, o, v, i } = parsed.data;
  if (s !== sortBy || o !== sortOrder) {
    throw invalid(`was issued for sortBy=${s} sortOrder=${o}, not sortBy=${sortBy} sortOrder=${sortOrder}: start again without a cursor`);
  }
  const { kind, nullable } = SORT_COLUMNS[s];
  if (v === null ? !nullable : !castsCleanly(kind, v)) throw invalid("is not a cursor this package issued (bad position)");
  return { sortBy: s, sortOrder: o, value: v, id: i };
}

const TIMESTAMP_PARTS = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})/;

/**
 * Whether PostgreSQL casts a cursor's `value` to the sort column's type without an error, as it does
 * every value it printed: the printed form, and within the type's range (a real date and time, an
 * INTEGER, a REAL that neither overflows nor rounds to 0, text it can hold).
 */
function castsCleanly(kind: SortValueKind, value: string): boolean {
  if (!SORT_VALUE_PATTERNS[kind].test(value)) return false;
  switch (kind) {
    case "integer":
      return Number(value) >= -2_147_483_648 && Number(value) <= 2_147_483_647;
    case "real": {
      if (/^(NaN|-?Infinity)$/.test(value)) return true;
      const rounded = Math.fround(Number(value));
      return Number(value) === 0 || (Number.isFinite(rounded) && rounded !== 0);
    }
    case "text":
      return textProblem(value) === null;
    case "timestamp": {
      const [year, month, day, hour, minute, second] = (TIMESTAMP_PARTS.exec(value) ?? []).slice(1).map(Number) as number[];
      const date = new Date(0);
      date.setUTCFullYear(year!, month! - 1, day);
      return year! >= 1 && date.getUTCMonth() === month! - 1 && date.getUTCDate() === day && hour! < 24 && minute! < 60 && second! < 60;
    }
  }
}
