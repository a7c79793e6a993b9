import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { LETTER_SORT_KEYS, type LetterSortKey, type SortOrder } from "./letter-search-schemas.ts";
import { SORT_COLUMNS, SORT_VALUE_PATTERNS } from "./letter-sort.ts";

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
  if (v === null ? !nullable : !SORT_VALUE_PATTERNS[kind].test(v)) throw invalid("is not a cursor this package issued (bad position)");
  return { sortBy: s, sortOrder: o, value: v, id: i };
}
