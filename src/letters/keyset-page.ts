import { encodeCursor, type KeysetPosition } from "./keyset-cursor.ts";
import { toLetterRecord, type LetterRow } from "./letter-row.ts";
import type { LetterFilters } from "./letter-search-schemas.ts";
import { keysetSegmentQueries } from "./letter-search.ts";
import type { Queryable } from "./letter-store.ts";
import type { LetterCursorPage } from "./letter-types.ts";

/**
 * Reads one keyset page after `position` (or the first page): runs the segment queries in order until
 * it has one row more than `limit`, which tells whether a next page exists without counting.
 */
export async function readKeysetPage(client: Queryable, filters: LetterFilters, position: KeysetPosition | undefined): Promise<LetterCursorPage> {
  const rows: (LetterRow & { sort_value: string | null })[] = [];
  for (const segmentQuery of keysetSegmentQueries(filters, position)) {
    rows.push(...(await client.$queryRaw<(LetterRow & { sort_value: string | null })[]>(segmentQuery(filters.limit + 1 - rows.length))));
    if (rows.length > filters.limit) break;
  }
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > filters.limit && last !== undefined
      ? encodeCursor({ sortBy: filters.sortBy, sortOrder: filters.sortOrder, value: last.sort_value, id: last.id })
      : null;
  return { data: page.map(toLetterRecord), nextCursor, limit: filters.limit };
}
