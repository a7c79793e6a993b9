import { Prisma } from "../generated/prisma/client.ts";
import type { KeysetPosition } from "./keyset-cursor.ts";
import { LETTER_COLUMNS } from "./letter-row.ts";
import type { LetterFilters, LetterSortKey, SortOrder } from "./letter-search-schemas.ts";
import { SORT_COLUMNS, castSortValue, direction } from "./letter-sort.ts";

// Every value below reaches SQL as a bound parameter of a Prisma.sql template; the only raw fragments
// are the constants of letter-sort.ts and letter-row.ts.

/** Escapes `\`, `%` and `_` so that a LIKE pattern (with `ESCAPE '\'`) takes them literally. */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** The character `letters.search_text` puts between document_name, document_title and source_file_path. */
export const SEARCH_TEXT_SEPARATOR = "\u0001";

/**
 * The WHERE condition of a search, over `letters l`. Text search is a case-insensitive substring match on
 * document_name, document_title and source_file_path, run as LIKE on the stored lower-cased
 * `search_text` (one pg_trgm GIN index); JSON containment is `@>` on `raw_grok_json`, which its GIN index serves.
 */
export function letterFilterCondition(filters: LetterFilters): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  const query = filters.query?.trim();
  if (query) {
    const pattern = `%${escapeLikePattern(query)}%`;
    if (query.includes(SEARCH_TEXT_SEPARATOR)) {
      // search_text joins the columns with this character: matching it there could span two columns.
      conditions.push(Prisma.sql`(l.document_name ILIKE ${pattern} ESCAPE '\\'
        OR l.document_title ILIKE ${pattern} ESCAPE '\\'
        OR l.source_file_path ILIKE ${pattern} ESCAPE '\\')`);
    } else {
      // The same match as ILIKE on each column (ILIKE lower-cases both sides), on the stored lower-cased text.
      conditions.push(Prisma.sql`l.search_text LIKE lower(${pattern}) ESCAPE '\\'`);
    }
  }
  const statuses = statusesOf(filters);
  if (statuses.length > 0) conditions.push(Prisma.sql`l.status IN (${Prisma.join(statuses)})`);
  if (filters.documentType !== undefined) conditions.push(Prisma.sql`l.document_type = ${filters.documentType}`);
  if (filters.createdFrom !== undefined) conditions.push(Prisma.sql`l.created_at >= CAST(${filters.createdFrom} AS timestamp(6))`);
  if (filters.createdTo !== undefined) conditions.push(Prisma.sql`l.created_at < CAST(${filters.createdTo} AS timestamp(6))`);
  // Compared as REAL, the column's type: 0.95 as a double is above 0.95 stored as REAL.
  if (filters.minConfidence !== undefined) conditions.push(Prisma.sql`l.extraction_confidence >= CAST(${filters.minConfidence} AS real)`);
  if (filters.rangeLabel !== undefined) {
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM letter_products p WHERE p.letter_id = l.id AND p.range_label = ${filters.rangeLabel})`);
  }
  if (filters.productIdentifier !== undefined) {
    conditions.push(
      Prisma.sql`EXISTS (SELECT 1 FROM letter_products p WHERE p.letter_id = l.id AND p.product_identifier = ${filters.productIdentifier})`,
    );
  }
  if (filters.rawGrokJsonContains !== undefined) {
    conditions.push(Prisma.sql`l.raw_grok_json @> CAST(${JSON.stringify(filters.rawGrokJsonContains)} AS jsonb)`);
  }
  return conditions.length === 0 ? Prisma.sql`TRUE` : Prisma.join(conditions, " AND ");
}

/**
 * The status most letters end in (the column's default). Every sort key has an index of the letters
 * not in it (`idx_letters_unprocessed_<key>_id`, `WHERE status <> 'processed'`), so that a search for
 * other statuses walks an index alone in any order.
 */
const COMMON_STATUS = "processed";

/** The statuses a search asks for, as a list (empty when it asks for none). */
function statusesOf(filters: LetterFilters): readonly string[] {
  return filters.status === undefined ? [] : typeof filters.status === "string" ? [filters.status] : filters.status;
}

/**
 * Whether an index holds every column the search reads, so that PostgreSQL can walk past skipped rows
 * in the index alone (an index-only scan) without reading the table: the `(sort column, id)` index for
 * no filter or only filters on the sort column itself (one status); `(status, created_at, id)` for one
 * status (and a creation range) in creation order; the sort key's index of the letters not processed
 * for any statuses but {@link COMMON_STATUS} (and filters on the sort column).
 */
export function walksIndexOnly(filters: LetterFilters): boolean {
  const tableFilters = filters.query?.trim() || filters.rangeLabel !== undefined || filters.productIdentifier !== undefined;
  if (tableFilters || filters.rawGrokJsonContains !== undefined) return false;
  const onSortColumn = (key: LetterFilters["sortBy"], present: boolean) => !present || filters.sortBy === key;
  const statuses = statusesOf(filters);
  // Several statuses are several ranges of a status index, which PostgreSQL 15 cannot read in one order;
  // the letters not processed are one index per sort key, whatever statuses are asked for among them.
  const oneStatus = statuses.length === 1 && (filters.sortBy === "status" || filters.sortBy === "createdAt");
  const uncommonStatuses = statuses.length > 0 && !statuses.includes(COMMON_STATUS);
  return (
    (statuses.length === 0 || oneStatus || uncommonStatuses) &&
    onSortColumn("documentType", filters.documentType !== undefined) &&
    onSortColumn("createdAt", filters.createdFrom !== undefined || filters.createdTo !== undefined) &&
    onSortColumn("extractionConfidence", filters.minConfidence !== undefined)
  );
}

/** Which end of the search's order a page is read from. */
export type ReadFrom = "start" | "end";

/**
 * One page of page/limit pagination as a deferred join: the inner query finds the page's ids by walking
 * past `skip` rows along the sort index (an index-only scan when {@link walksIndexOnly}), and only the
 * page's rows are read from the table. From the `end`, the walk runs the order backwards (NULLs
 * included: the reverse of ASC NULLS LAST is DESC NULLS FIRST); the rows come back in the search's order
 * either way, ordered by the sort column, then id.
 */
export function offsetPageQuery(filters: LetterFilters, from: ReadFrom, skip: number, take: number): Prisma.Sql {
  const { column } = SORT_COLUMNS[filters.sortBy];
  const walk = walkDirection(filters, from);
  return pageOfIds(
    filters,
    Prisma.sql`SELECT l.id FROM letters l WHERE ${letterFilterCondition(filters)} ORDER BY ${column} ${walk}, l.id ${walk} LIMIT ${take} OFFSET ${skip}`,
  );
}

/**
 * The same page as {@link offsetPageQuery}, found by collecting every match first (through the filter's
 * indexes, e.g. the trigram index), then sorting them: costs the size of the match set, whatever the
 * order and the depth. The `OFFSET 0` keeps PostgreSQL from walking the sort index instead.
 */
export function collectedPageQuery(filters: LetterFilters, from: ReadFrom, skip: number, take: number, within: OrderPrefix | null = null): Prisma.Sql {
  const { column } = SORT_COLUMNS[filters.sortBy];
  const walk = walkDirection(filters, from);
  const prefix = within === null ? Prisma.empty : Prisma.sql` AND ${within}`;
  return pageOfIds(
    filters,
    Prisma.sql`SELECT m.id FROM (SELECT l.id, ${column} AS sort_value FROM letters l WHERE ${letterFilterCondition(filters)}${prefix} OFFSET 0) AS m
      ORDER BY m.sort_value ${walk}, m.id ${walk} LIMIT ${take} OFFSET ${skip}`,
  );
}

/** A condition that holds for the rows of the order up to a given row: one range of the sort index. */
export type OrderPrefix = Prisma.Sql;

/** The sort value (as text) and id of the row at 0-based `position` of the order from `from`: an index-only walk. */
export function orderPositionQuery(filters: LetterFilters, from: ReadFrom, position: number): Prisma.Sql {
  const { column } = SORT_COLUMNS[filters.sortBy];
  const walk = walkDirection(filters, from);
  return Prisma.sql`SELECT ${column}::text AS value, l.id FROM letters l ORDER BY ${column} ${walk}, l.id ${walk} LIMIT 1 OFFSET ${position}`;
}

/**
 * The rows of the order from `from` up to and including `bound`, as one range of the sort's `(column, id)`
 * index, so that {@link collectedPageQuery} collects only the matches among them: PostgreSQL ANDs the
 * filter's bitmap (e.g. the trigram index's) with the range's and reads only rows in both. `null` when the
 * bound is among the NULLs of an ascending walk (the range would hold every value).
 */
export function orderPrefix(filters: LetterFilters, from: ReadFrom, bound: { value: string | null; id: number }): OrderPrefix | null {
  const { column, kind } = SORT_COLUMNS[filters.sortBy];
  const ascending = (from === "start") === (filters.sortOrder === "asc");
  // Ascending walks put NULLs last, descending ones first (PostgreSQL's defaults, as the search's order).
  // Spelled out rather than as a row comparison, whose selectivity the planner takes from the column
  // alone (a status bound would look like 94% of the table, and the range would be left unused).
  if (ascending) {
    if (bound.value === null) return null;
    const value = castSortValue(kind, bound.value);
    return Prisma.sql`(${column} < ${value} OR (${column} = ${value} AND l.id <= ${bound.id}))`;
  }
  if (bound.value === null) return Prisma.sql`(${column} IS NULL AND l.id >= ${bound.id})`;
  const value = castSortValue(kind, bound.value);
  return Prisma.sql`(${column} IS NULL OR ${column} > ${value} OR (${column} = ${value} AND l.id >= ${bound.id}))`;
}

/** The search's order run forwards (from the start) or backwards (from the end). */
function walkDirection(filters: LetterFilters, from: ReadFrom): Prisma.Sql {
  return direction(from === "start" ? filters.sortOrder : filters.sortOrder === "asc" ? "desc" : "asc");
}

/** The letters whose ids `idsQuery` selects, in the search's order. */
function pageOfIds(filters: LetterFilters, idsQuery: Prisma.Sql): Prisma.Sql {
  const { column } = SORT_COLUMNS[filters.sortBy];
  const order = direction(filters.sortOrder);
  return Prisma.sql`SELECT ${LETTER_COLUMNS} FROM letters l WHERE l.id IN (${idsQuery}) ORDER BY ${column} ${order}, l.id ${order}`;
}

/**
 * Sort keys whose order is about the table's physical order (rows are appended as they are created or
 * updated): a walk along their index that tests a filter on each row reads the table nearly in order.
 */
const TABLE_ORDERED_KEYS: ReadonlySet<LetterFilters["sortBy"]> = new Set(["createdAt", "updatedAt", "id"]);

/**
 * Whether the search's order is about the table's physical order (createdAt, updatedAt, id), so that a
 * walk along the sort index that tests a filter on each row reads the table nearly in order (about
 * 1 µs a row) rather than at random (about 6 µs): such walks may go further before the page is sought
 * another way (see `readPageRows` in `offset-page.ts`).
 */
export function walksInTableOrder(filters: LetterFilters): boolean {
  return TABLE_ORDERED_KEYS.has(filters.sortBy);
}

/**
 * The letters of matches `skip` to `skip + take`, found by walking at most the first `rows` rows of the
 * order from `from` and testing the filter on each. The walk stops as soon as it has them: a page near the
 * start of a common match set reads a few hundred rows, not `rows`. Fewer than `take` letters means the
 * page is not within those rows (or the order ended first).
 */
export function boundedWalkQuery(filters: LetterFilters, from: ReadFrom, skip: number, take: number, rows: number): Prisma.Sql {
  const { column } = SORT_COLUMNS[filters.sortBy];
  const walk = walkDirection(filters, from);
  return pageOfIds(
    filters,
    Prisma.sql`SELECT w.id FROM (
      SELECT l.id, (${letterFilterCondition(filters)}) AS hit FROM letters l ORDER BY ${column} ${walk}, l.id ${walk} LIMIT ${rows}) AS w
    WHERE w.hit LIMIT ${take} OFFSET ${skip}`,
  );
}

/** The planner's estimate of the rows in `letters` (`pg_class.reltuples`; -1 before the first ANALYZE). */
export function letterRowsEstimateQuery(): Prisma.Sql {
  return Prisma.sql`SELECT reltuples::float8 AS estimate FROM pg_class WHERE oid = 'letters'::regclass`;
}

/** Counts the search's matches, reading at most `bound` of them: the exact total when it is below `bound`. */
export function boundedCountQuery(filters: LetterFilters, bound: number): Prisma.Sql {
  return Prisma.sql`SELECT count(*)::int AS total FROM (SELECT 1 FROM letters l WHERE ${letterFilterCondition(filters)} LIMIT ${bound}) AS matching`;
}

/**
 * A keyset page is read in segments: the rows whose sort value is NULL and those whose value is not.
 * The order (ascending: values then NULLs; descending: NULLs then values) is PostgreSQL's default, the
 * same as page/limit pagination. Within a segment the position is a plain row comparison, so an index
 * on (column, id) serves each segment directly and the cost does not grow with the depth.
 */
type Segment = "values" | "nulls";

function segmentsFor(sortBy: LetterSortKey, sortOrder: SortOrder): Segment[] {
  if (!SORT_COLUMNS[sortBy].nullable) return ["values"];
  return sortOrder === "asc" ? ["values", "nulls"] : ["nulls", "values"];
}

/**
 * The queries to run, in order, for one keyset page after `position` (or from the start): each reads
 * the rest of one segment, up to `fetch` rows, with `sort_value` (the sort column as text) for the
 * next cursor. The caller stops once it has enough rows.
 */
export function keysetSegmentQueries(filters: LetterFilters, position: KeysetPosition | undefined): ((fetch: number) => Prisma.Sql)[] {
  const { column, kind } = SORT_COLUMNS[filters.sortBy];
  const order = direction(filters.sortOrder);
  const after = filters.sortOrder === "asc" ? Prisma.raw(">") : Prisma.raw("<");
  const segments = segmentsFor(filters.sortBy, filters.sortOrder);
  const startSegment: Segment = position === undefined ? segments[0]! : position.value === null ? "nulls" : "values";
  const where = letterFilterCondition(filters);

  return segments.slice(segments.indexOf(startSegment)).map((segment) => (fetch: number) => {
    const inCursorSegment = position !== undefined && segment === startSegment;
    if (segment === "nulls") {
      const past = inCursorSegment ? Prisma.sql`AND l.id ${after} ${position.id}` : Prisma.empty;
      return Prisma.sql`SELECT ${LETTER_COLUMNS}, NULL::text AS sort_value FROM letters l
        WHERE ${where} AND ${column} IS NULL ${past}
        ORDER BY l.id ${order} LIMIT ${fetch}`;
    }
    const past =
      inCursorSegment && position.value !== null
        ? Prisma.sql`AND (${column}, l.id) ${after} (${castSortValue(kind, position.value)}, ${position.id})`
        : Prisma.empty;
    return Prisma.sql`SELECT ${LETTER_COLUMNS}, ${column}::text AS sort_value FROM letters l
      WHERE ${where} AND ${column} IS NOT NULL ${past}
      ORDER BY ${column} ${order}, l.id ${order} LIMIT ${fetch}`;
  });
}
