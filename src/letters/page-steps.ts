/**
 * Which steps `readPageRows` (offset-page.ts) tries for a page of a search that tests a filter on the table,
 * chosen from the planner's estimates alone: nothing here reads the database.
 */

/** The fewest rows a bounded walk reads in an order that is not the table's (about 20 ms of random reads: page 1 of a term in 1.25% of letters). */
export const BOUNDED_WALK_ROWS = 2000;

/** How many times the expected rows a prefix of the order holds, so that an estimate a little high still finds the page. */
export const PREFIX_MARGIN = 1.5;

/**
 * The longest prefix of the order worth finding, per expected match: the prefix step walks the sort index to
 * the prefix's end and ranges over it (about 0.25 µs a row), where collecting every match reads each from the
 * table (about 4 µs). Past ten rows per match (a rare term deep in the order), collecting is cheaper: a term
 * in 100 letters with its page 375,000 rows in would walk ~60 ms to skip a 1 ms collection.
 */
export const PREFIX_ROWS_PER_MATCH = 10;

/** What the planner expects of a search, and the page sought. */
export interface PageStepInput {
  /** The planner's estimate of the search's matches (`Infinity` when it gave none). */
  expectedMatches: number;
  /** The planner's estimate of the rows in `letters` (`pg_class.reltuples`; -1 before the first ANALYZE). */
  tableRows: number;
  /** Matches before the page, in the order the page is read from. */
  skip: number;
  /** The page's size. */
  take: number;
  /** Whether the order is about the table's physical order (see `walksInTableOrder`). */
  tableOrder: boolean;
}

/**
 * The steps to try, in order, before collecting every match (the last step, always possible):
 * - `walkRows`: walk at most this many rows of the sort index, testing each, when the page is expected
 *   within them; `null` when it is not;
 * - `prefixRows`: collect the matches among the first this many rows of the order, when that is well
 *   short of the table and cheaper than collecting every match; `null` otherwise.
 */
export interface PageSteps {
  walkRows: number | null;
  prefixRows: number | null;
}

/** The steps worth trying for `input`'s page (see {@link PageSteps}). */
export function planPageSteps({ expectedMatches, tableRows, skip, take, tableOrder }: PageStepInput): PageSteps {
  const walkBound = boundedWalkRows(expectedMatches, tableOrder);
  const walkRows = expectedWalk(skip + take, expectedMatches, tableRows);
  const prefixRows = Math.ceil(PREFIX_MARGIN * walkRows) + take;
  const prefixWorthIt = tableRows > 0 && prefixRows < tableRows / 2 && prefixRows <= PREFIX_ROWS_PER_MATCH * expectedMatches;
  return { walkRows: walkRows <= walkBound ? walkBound : null, prefixRows: prefixWorthIt ? prefixRows : null };
}

/**
 * How many rows a walk is expected to read to find `matches` matches, at the density the planner expects
 * (`expectedMatches` of `tableRows`); 0 when the table has not been analyzed (then the walk is tried).
 */
function expectedWalk(matches: number, expectedMatches: number, tableRows: number): number {
  if (!(tableRows > 0) || !Number.isFinite(expectedMatches)) return 0;
  return expectedMatches <= 0 ? Number.POSITIVE_INFINITY : (matches * tableRows) / expectedMatches;
}

/**
 * How many rows a bounded walk reads at most. In an order that is not the table's, a twentieth of the
 * expected matches, at least `BOUNDED_WALK_ROWS` and at most ten times that: a row walked is a random read
 * of the table (about 6 µs on a table larger than the server's cache), while the next step pays about
 * 0.3 µs per match for the filter's bitmap plus the reads of the page's matches: past a twentieth of the
 * matches, walking costs more. In the table's order a row walked costs about 1 µs, and the next step
 * about 25 ms on a million letters (four queries, the filter's bitmap, a read of each match in the prefix):
 * as many rows as expected matches, from 20 to 50 times `BOUNDED_WALK_ROWS`. Page 40 of a term in 2% of a
 * million letters (~50,000 rows, ~45 ms walked) is found in ~30 ms by the next step; page 40 of a term in
 * 3–25% is walked in 4,000–33,000 rows (with a bound of a quarter of the matches, the next step took
 * those of 3–5% terms, and their p95 at 200 users rose from 38 to 60 ms).
 */
function boundedWalkRows(expectedMatches: number, tableOrder: boolean): number {
  const [share, least, most] = tableOrder ? [1, 20, 50] : [1 / 20, 1, 10];
  return Math.min(most * BOUNDED_WALK_ROWS, Math.max(least * BOUNDED_WALK_ROWS, Math.round(expectedMatches * share)));
}
