import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { toLetterRecord, type LetterRow } from "./letter-row.ts";
import type { LetterFilters } from "./letter-search-schemas.ts";
import {
  boundedCountQuery,
  boundedWalkQuery,
  collectedPageQuery,
  letterRowsEstimateQuery,
  offsetPageQuery,
  orderPositionQuery,
  orderPrefix,
  walksInTableOrder,
  walksIndexOnly,
  type ReadFrom,
} from "./letter-search.ts";
import type { Queryable } from "./letter-store.ts";
import type { LetterPage } from "./letter-types.ts";
import { planPageSteps } from "./page-steps.ts";
import { parseInput } from "./parse-input.ts";
import { COUNT_WHEN_ESTIMATE_BELOW, estimateMatches, searchTotal, type SearchTotal, type TotalBound } from "./search-total.ts";

/** Default {@link OffsetPageOptions.maxOffset}: page 4,000 of 25 letters, from either end. */
export const DEFAULT_MAX_OFFSET = 100_000;
/** Default {@link OffsetPageOptions.maxFilteredOffset}: page 40 of 25 letters, from either end. */
export const DEFAULT_MAX_FILTERED_OFFSET = 1_000;

/**
 * How deep `search()` serves pages by number (Elasticsearch's `max_result_window`, from both ends). A
 * page is served when it starts within the first `maxOffset` letters of the order, or ends within the
 * last `maxOffset`; a page between them is refused with a `ValidationError` that points to
 * `searchByCursor`, whose pages cost the same at any depth.
 */
export interface OffsetPageOptions {
  /**
   * The window of a search whose pages are found in an index alone (no filter, or filters on the sort
   * column, or one status in creation order, or statuses other than `processed` in any order): the walk
   * past skipped rows reads index entries only (about 0.05–0.15 µs each). Defaults to 100,000.
   */
  maxOffset?: number;
  /**
   * The window of every other search (text, products, JSON, other filters): each skipped row is read from
   * the table to test the filter (about 1 µs each, 20 rows per match for a term in 5% of letters).
   * Defaults to 1,000.
   */
  maxFilteredOffset?: number;
}

const windowSchema = z.int("must be an integer").min(1, "must be at least 1").max(100_000_000, "must be at most 100,000,000");

/** Validated {@link OffsetPageOptions} with their defaults. */
export const offsetPageOptionsSchema = z.strictObject({
  maxOffset: windowSchema.default(DEFAULT_MAX_OFFSET),
  maxFilteredOffset: windowSchema.default(DEFAULT_MAX_FILTERED_OFFSET),
});

/** The windows a repository pages with. */
export type OffsetWindows = Readonly<z.output<typeof offsetPageOptionsSchema>>;

/**
 * The windows of `options`, defaults filled in, frozen.
 *
 * @throws {ValidationError} when a window is not a positive integer.
 */
export function resolveOffsetWindows(options: OffsetPageOptions = {}): OffsetWindows {
  return Object.freeze(parseInput(offsetPageOptionsSchema, options, "offset page options"));
}

/**
 * Reads page `page` of a search; a negative `page` counts back from the end (-1 is the last page).
 * Pages within the window from the start are read forwards; the others from the end, backwards, so
 * that a last page costs what a first page costs. A total is counted exactly up to twice the window
 * (then the two windows cover every page, and each page is where it would be read from the start);
 * beyond it, the total is the planner's estimate and pages near the end are numbered back from
 * `totalPages`: page `totalPages` holds the last `limit` letters.
 *
 * A page past the end of an exact total comes back empty, with the total; a page number past an
 * estimated `totalPages` (the estimate moved since the caller saw it) returns the last page, with its
 * number in `page`. A page before the first (a negative `page` beyond the start) comes back empty.
 *
 * @throws {ValidationError} when the page is beyond both windows.
 */
export async function readOffsetPage(client: Queryable, filters: LetterFilters, page: number, windows: OffsetWindows): Promise<LetterPage> {
  const { limit } = filters;
  const indexOnly = walksIndexOnly(filters);
  const window = indexOnly ? windows.maxOffset : windows.maxFilteredOffset;
  const result = (served: number, rows: LetterRow[], { total, totalExact }: SearchTotal): LetterPage => ({
    data: rows.map(toLetterRecord),
    total,
    totalExact,
    page: served,
    limit,
    totalPages: Math.ceil(total / limit),
  });

  let estimated: Promise<number> | undefined;
  const estimate = () => (estimated ??= estimateMatches(client, filters));
  const readRows = (from: ReadFrom, skip: number, take: number) => readPageRows(client, filters, from, skip, take, estimate);
  // An estimated total numbers at least one refused page between the pages of the two windows, so that
  // paging on from the last page of one window never skips letters (see estimatedTotalFloor).
  const totalOf = async (atLeast: number): Promise<SearchTotal> => {
    const total = await searchTotal(client, filters, atLeast, totalBound(window, indexOnly), await estimate());
    return total.totalExact ? total : { total: Math.max(total.total, estimatedTotalFloor(window, limit)), totalExact: false };
  };

  const fromStart = async (served: number): Promise<LetterPage> => {
    const offset = (served - 1) * limit;
    const rows = await readRows("start", offset, limit);
    if (rows.length === limit) return result(served, rows, await totalOf(offset + limit));
    // A short page (or an empty first page) is the end of the results: its position is the total.
    if (rows.length > 0 || served === 1) return result(served, rows, exactly(offset + rows.length));
    return result(served, [], exactly(await countUpTo(client, filters, offset)));
  };

  const withTotal = async (requested: number, total: SearchTotal): Promise<LetterPage> => {
    const totalPages = Math.ceil(total.total / limit);
    if (requested < 1) return result(page, [], total);
    if ((requested - 1) * limit < window) return fromStart(requested);
    if (total.totalExact) return result(requested, await readExactPageFromEnd(readRows, (requested - 1) * limit, limit, total.total), total);
    const served = Math.min(requested, totalPages);
    const skip = (totalPages - served) * limit;
    if (skip >= window) throw tooDeep(page, limit, window, indexOnly, totalPages);
    const rows = await readRows("end", skip, limit);
    if (rows.length === limit) return result(served, rows, total);
    // The estimate was far above the true total: the walk from the end ran out of letters, which gives the
    // true total; read the page where it really is (if it exists).
    const exact = rows.length > 0 ? skip + rows.length : await countUpTo(client, filters, skip);
    return result(served, await readExactPageFromEnd(readRows, (served - 1) * limit, limit, exact), exactly(exact));
  };

  if (page > 0 && (page - 1) * limit < window) return fromStart(page);
  const total = await totalOf(0);
  return withTotal(page > 0 ? page : Math.ceil(total.total / limit) + 1 + page, total);
}

/**
 * Rows [offset, offset + limit) of an exactly counted result, read backwards from its end; none when
 * the page is past the end. Called when `offset` is beyond the window from the start while the total is
 * at most twice the window, so the walk from the end skips fewer rows than the window.
 */
async function readExactPageFromEnd(
  readRows: (from: ReadFrom, skip: number, take: number) => Promise<LetterRow[]>,
  offset: number,
  limit: number,
  total: number,
): Promise<LetterRow[]> {
  if (offset >= total) return [];
  const end = Math.min(offset + limit, total);
  return readRows("end", total - end, end - offset);
}

/**
 * Rows `skip` to `skip + take` of the order read from `from`. A search found in an index alone walks it
 * (see `walksIndexOnly`), as does the first page from either end in the table's order. Any other that
 * must test a filter on the table tries, in turn, as the planner's estimates of the matches' density allow:
 * 1. a walk of the sort index that tests each row, when the page is expected within the rows it may read
 *    (see `planPageSteps`); it stops once it has the page. A term that goes with the sort key (names
 *    begin with the product code) can put its first match a million rows in: the bound keeps such a
 *    walk from reading them all;
 * 2. the matches among the first rows of the order where the page is expected (with a margin), found
 *    through the filter's index and a range of the sort index together, then sorted;
 * 3. every match, collected through the filter's index and sorted.
 * A step that does not find the whole page hands over to the next, so a page is always exact.
 */
async function readPageRows(
  client: Queryable,
  filters: LetterFilters,
  from: ReadFrom,
  skip: number,
  take: number,
  estimate: () => Promise<number>,
): Promise<LetterRow[]> {
  // The first page from either end in the table's order is one query, as PostgreSQL plans it: a walk that
  // stops after `take` matches read nearly in table order, or the filter's index for a rare term.
  const tableOrder = walksInTableOrder(filters);
  if (walksIndexOnly(filters) || (skip === 0 && tableOrder)) return client.$queryRaw<LetterRow[]>(offsetPageQuery(filters, from, skip, take));
  const expectedMatches = await estimate();
  const [table] = await client.$queryRaw<{ estimate: number }[]>(letterRowsEstimateQuery());
  const steps = planPageSteps({ expectedMatches, tableRows: table?.estimate ?? -1, skip, take, tableOrder });
  if (steps.walkRows !== null) {
    const page = await client.$queryRaw<LetterRow[]>(boundedWalkQuery(filters, from, skip, take, steps.walkRows));
    if (page.length === take) return page;
  }
  // The page is expected among the first `prefixRows` rows of the order: collect only the matches among
  // them, through the filter's index and the sort index together.
  if (steps.prefixRows !== null) {
    const [bound] = await client.$queryRaw<{ value: string | null; id: number }[]>(orderPositionQuery(filters, from, steps.prefixRows - 1));
    const within = bound === undefined ? null : orderPrefix(filters, from, bound);
    if (within !== null) {
      const page = await client.$queryRaw<LetterRow[]>(collectedPageQuery(filters, from, skip, take, within));
      if (page.length === take) return page;
    }
  }
  return client.$queryRaw<LetterRow[]>(collectedPageQuery(filters, from, skip, take));
}

/** The number of matches, counting at most `bound` (exact when the caller knows there are at most that many). */
async function countUpTo(client: Queryable, filters: LetterFilters, bound: number): Promise<number> {
  const [row] = await client.$queryRaw<{ total: number }[]>(boundedCountQuery(filters, bound));
  return row?.total ?? 0;
}

function exactly(total: number): SearchTotal {
  return { total, totalExact: true };
}

/**
 * Totals are exact up to twice the window. A search walked in an index alone is counted in the index
 * too, and its estimate (from the table's size and column statistics) is trusted only when it is well
 * above that; a search that reads the table is counted only when the planner expects few matches.
 */
function totalBound(window: number, indexOnly: boolean): TotalBound {
  const exactUpTo = 2 * window;
  return { exactUpTo, countWhenEstimateBelow: indexOnly ? Math.ceil(1.25 * exactUpTo) : Math.max(COUNT_WHEN_ESTIMATE_BELOW, exactUpTo + 1) };
}

/**
 * The smallest estimated total: `2 × pagesPerWindow × limit + 1`. With it, `totalPages` is at least one
 * more than the pages of both windows, so the page after the last one served from the start is refused
 * (not read from the end): a total estimated too low cannot make page n + 1 jump over letters. A total
 * estimated too high can only make the two windows show some letters twice.
 */
function estimatedTotalFloor(window: number, limit: number): number {
  return 2 * Math.ceil(window / limit) * limit + 1;
}

function tooDeep(page: number, limit: number, window: number, indexOnly: boolean, totalPages: number): ValidationError {
  const fromStart = Math.ceil(window / limit);
  const fromEnd = totalPages - fromStart + 1;
  const option = indexOnly ? "maxOffset" : "maxFilteredOffset";
  return new ValidationError(
    [
      {
        path: "page",
        message:
          `${page} is too deep for a page number: of about ${totalPages} pages of ${limit}, pages 1 to ${fromStart} and ${fromEnd} to ${totalPages} ` +
          `are served (the first and last ${window} letters, option ${option}); use searchByCursor to read further`,
      },
    ],
    "search",
  );
}
