import { describe, expect, it } from "vitest";
import { progressPrinter } from "../../src/cli/import-progress.ts";
import type { ImportProgress } from "../../src/importer/import-options.ts";

const events: ImportProgress[] = [
  { phase: "load", table: "letter_product_matches", rowsRead: 1_234_567, imported: 1_234_560, rejected: 7, totalRows: 9_876_543, seconds: 3.2 },
  { phase: "table-loaded", table: "letter_product_matches", rowsRead: 9_876_543, imported: 9_876_500, rejected: 43, seconds: 12.5 },
  { phase: "rebuild", name: "idx_letter_product_matches_ibcatalogue_product_identifier_trgm", done: 3, total: 40 },
  { phase: "verify", table: "letter_product_matches" },
];

/** What a terminal shows for each redraw: the text between a carriage return and the erase-to-end code. */
function redrawnLines(written: string[]): string[] {
  return written.join("").split("\r").slice(1).map((line) => line.replace(/\u001b\[K\n?$/, ""));
}

describe("progressPrinter", () => {
  it("cuts every redrawn line to the terminal's width less one column, so it never wraps", () => {
    for (const columns of [40, 60, 80]) {
      const written: string[] = [];
      const print = progressPrinter((text) => written.push(text), { isTerminal: true, columns });
      for (const event of events) print(event);
      const lines = redrawnLines(written);
      expect(lines).toHaveLength(events.length);
      for (const line of lines) expect(line.length, JSON.stringify(line)).toBeLessThanOrEqual(columns - 1);
      expect(lines.some((line) => line.endsWith("…"))).toBe(true);
    }
  });

  it("keeps a line whole when it fits, and writes plain lines (never cut) when not on a terminal", () => {
    const wide: string[] = [];
    progressPrinter((text) => wide.push(text), { isTerminal: true, columns: 200 })(events[3]!);
    expect(redrawnLines(wide)).toEqual(["Verifying letter_product_matches"]);
    const plain: string[] = [];
    const print = progressPrinter((text) => plain.push(text), { isTerminal: false });
    for (const event of [...events, { phase: "rebuild", name: "letters_pkey", done: 0, total: 40 } as const]) print(event);
    expect(plain.join("")).not.toMatch(/[\r\u001b]/);
    expect(plain.join("")).toContain("letter_product_matches: 9,876,500 rows loaded, 43 rejected in 12.5 s (790,123 rows/s)\n");
    expect(plain.join("")).toContain("Rebuilding 40 keys, indexes and foreign keys\n");
  });
});
