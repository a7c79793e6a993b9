import { describe, expect, it } from "vitest";
import { BOUNDED_WALK_ROWS, planPageSteps, type PageStepInput } from "../../src/letters/page-steps.ts";

// The steps readPageRows tries for a page of a search that tests a filter on the table, from the planner's
// estimates of a million letters: the cases the bench (npm run bench:pages) measured each step for.
const MILLION = 1_000_000;
const page = (number: number) => ({ skip: (number - 1) * 25, take: 25 });
const steps = (input: Partial<PageStepInput> & Pick<PageStepInput, "expectedMatches">) =>
  planPageSteps({ tableRows: MILLION, tableOrder: false, ...page(1), ...input });

describe("planPageSteps", () => {
  it("walks when the page is expected within the bound, which stops the walk of a term that is elsewhere in the order", () => {
    // Page 1 of a term in 5% of letters: ~500 rows expected, walked up to a twentieth of the matches.
    expect(steps({ expectedMatches: 50_000 })).toEqual({ walkRows: 2_500, prefixRows: 775 });
    // Page 40 of a term in 25%: ~4,000 rows expected, within the bound of a twentieth of 250,000 matches.
    expect(steps({ expectedMatches: 250_000, ...page(40) }).walkRows).toBe(12_500);
    // Past 20 × 10 × BOUNDED_WALK_ROWS matches, the bound stops growing.
    expect(steps({ expectedMatches: 600_000 }).walkRows).toBe(10 * BOUNDED_WALK_ROWS);
  });

  it("looks among a prefix of the order when the walk would be long and the prefix short", () => {
    // Page 40 of a term in 6.6% by confidence: ~15,150 rows expected, past a twentieth of 66,000 matches;
    // the prefix holds 1.5 times them, plus the page.
    expect(steps({ expectedMatches: 66_000, ...page(40) })).toEqual({ walkRows: null, prefixRows: 22_753 });
  });

  it("walks further in the table's order, whose rows are read nearly in order", () => {
    // Page 8 of a term in 2% by creation: ~10,000 rows expected, walked there, not in another order.
    expect(steps({ expectedMatches: 20_000, ...page(8), tableOrder: true }).walkRows).toBe(20 * BOUNDED_WALK_ROWS);
    expect(steps({ expectedMatches: 20_000, ...page(8) }).walkRows).toBeNull();
    // Page 40 of a term in 3.1% by creation: ~33,000 rows expected, walked.
    expect(steps({ expectedMatches: 31_000, ...page(40), tableOrder: true }).walkRows).toBe(40_000);
    // Page 40 of it: ~50,000 rows expected, past the bound: the prefix step.
    expect(steps({ expectedMatches: 20_000, ...page(40), tableOrder: true })).toEqual({ walkRows: null, prefixRows: 75_025 });
  });

  it("collects every match of a rare term rather than walk the sort index to a prefix far into the order", () => {
    // A term the planner expects in 100 letters: page 1 is expected 250,000 rows in; a prefix walked to
    // 375,000 rows would cost ~60 ms where the 100 matches cost ~1 ms to collect.
    for (const tableOrder of [false, true]) {
      expect(steps({ expectedMatches: 100, tableOrder })).toEqual({ walkRows: null, prefixRows: null });
    }
    // A term in 5,000 letters: the prefix of page 6 (45,025 rows) is within ten rows per match, page 7's (52,525) is not.
    expect(steps({ expectedMatches: 5_000, ...page(6) }).prefixRows).toBe(45_025);
    expect(steps({ expectedMatches: 5_000, ...page(7) }).prefixRows).toBeNull();
  });

  it("never uses a prefix of half the table or more, and walks when the planner knows nothing", () => {
    expect(steps({ expectedMatches: 1_000_000, skip: 600_000 }).prefixRows).toBeNull();
    expect(planPageSteps({ expectedMatches: 10, tableRows: -1, skip: 0, take: 25, tableOrder: false })).toEqual({ walkRows: BOUNDED_WALK_ROWS, prefixRows: null });
    expect(steps({ expectedMatches: Number.POSITIVE_INFINITY })).toEqual({ walkRows: 10 * BOUNDED_WALK_ROWS, prefixRows: 25 });
    expect(steps({ expectedMatches: 0 })).toEqual({ walkRows: null, prefixRows: null });
  });
});
