import { Prisma } from "../generated/prisma/client.ts";
import type { LetterFilters } from "./letter-search-schemas.ts";
import { boundedCountQuery, letterFilterCondition } from "./letter-search.ts";
import type { Queryable } from "./letter-store.ts";

/**
 * With the default windows (see `offset-page.ts`), a text search's `total` is an exact count up to this
 * many matching letters: twice `DEFAULT_MAX_FILTERED_OFFSET`, so that the pages reachable from the
 * start and those reachable from the end cover every page of a match set this small. Beyond it,
 * counting would cost a scan of the whole match set (seconds for a common term on a million letters),
 * so `total` is PostgreSQL's estimate instead, and `totalExact` is `false`.
 */
export const EXACT_TOTAL_LIMIT = 2000;

/**
 * When the planner expects more than this many matches of a search that reads the table, the bounded
 * count is skipped: the estimate is returned at once. Below it, the count stops after the bound + 1
 * rows, so it stays cheap even when the planner underestimates.
 */
export const COUNT_WHEN_ESTIMATE_BELOW = 10_000;

/** A search's total and what kind of number it is. */
export interface SearchTotal {
  total: number;
  totalExact: boolean;
}

/** The planner's row estimate for the search condition: planning only, nothing is read. */
export async function estimateMatches(client: Queryable, filters: LetterFilters): Promise<number> {
  const [row] = await client.$queryRaw<{ "QUERY PLAN": unknown }[]>(
    Prisma.sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM letters l WHERE ${letterFilterCondition(filters)}`,
  );
  const plan = typeof row?.["QUERY PLAN"] === "string" ? JSON.parse(row["QUERY PLAN"]) : row?.["QUERY PLAN"];
  const rows = (plan as [{ Plan: { "Plan Rows": number } }] | undefined)?.[0]?.Plan["Plan Rows"];
  return typeof rows === "number" && Number.isFinite(rows) ? Math.max(0, Math.round(rows)) : Number.POSITIVE_INFINITY;
}

/** How far {@link searchTotal} counts. */
export interface TotalBound {
  /** The largest total counted exactly. */
  exactUpTo: number;
  /** Count only when the planner expects fewer matches than this; otherwise trust its estimate. */
  countWhenEstimateBelow: number;
}

/**
 * The total of a search whose page did not already tell it: counted exactly when at most
 * `bound.exactUpTo` letters match, otherwise `estimate`, the planner's (never below `exactUpTo + 1`, and
 * never below `atLeast`, what the pages up to this one prove).
 */
export async function searchTotal(client: Queryable, filters: LetterFilters, atLeast: number, bound: TotalBound, estimate: number): Promise<SearchTotal> {
  if (estimate < bound.countWhenEstimateBelow) {
    const [row] = await client.$queryRaw<{ total: number }[]>(boundedCountQuery(filters, bound.exactUpTo + 1));
    const counted = row?.total ?? 0;
    if (counted <= bound.exactUpTo) return { total: counted, totalExact: true };
  }
  const floor = Math.max(bound.exactUpTo + 1, atLeast);
  return { total: Number.isFinite(estimate) ? Math.max(estimate, floor) : floor, totalExact: false };
}
