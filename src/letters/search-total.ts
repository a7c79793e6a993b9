import { Prisma } from "../generated/prisma/client.ts";
import type { LetterFilters } from "./letter-search-schemas.ts";
import { letterFilterCondition } from "./letter-search.ts";
import type { Queryable } from "./letter-store.ts";

/**
 * A search's `total` is an exact count up to this many matching letters. Beyond it, counting would cost
 * a scan of the whole match set (seconds for a common term on a million letters), so `total` is
 * PostgreSQL's estimate instead, and `totalExact` is `false`.
 */
export const EXACT_TOTAL_LIMIT = 1000;

/**
 * When the planner expects more than this many matches, the bounded count is skipped: the estimate is
 * returned at once. Below it, the count stops after {@link EXACT_TOTAL_LIMIT} + 1 rows, so it stays cheap
 * even when the planner underestimates.
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

/**
 * The total of a search whose page did not already tell it: counted exactly when at most
 * {@link EXACT_TOTAL_LIMIT} letters match, otherwise the planner's estimate (never below
 * `EXACT_TOTAL_LIMIT + 1`, and never below `atLeast`, what the pages up to this one prove).
 */
export async function searchTotal(client: Queryable, filters: LetterFilters, atLeast: number): Promise<SearchTotal> {
  const estimate = await estimateMatches(client, filters);
  if (estimate < COUNT_WHEN_ESTIMATE_BELOW) {
    const [row] = await client.$queryRaw<{ total: number }[]>(
      Prisma.sql`SELECT count(*)::int AS total FROM (SELECT 1 FROM letters l WHERE ${letterFilterCondition(filters)} LIMIT ${EXACT_TOTAL_LIMIT + 1}) AS matching`,
    );
    const counted = row?.total ?? 0;
    if (counted <= EXACT_TOTAL_LIMIT) return { total: counted, totalExact: true };
  }
  const floor = Math.max(EXACT_TOTAL_LIMIT + 1, atLeast);
  return { total: Number.isFinite(estimate) ? Math.max(estimate, floor) : floor, totalExact: false };
}
