import { connectDatabase } from "../../src/client/database-client.ts";
import { LETTER_SORT_KEYS, type LetterSortKey } from "../../src/letters/letter-search-schemas.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { describeUrl } from "./bench-database.ts";
import { parseBenchOptions } from "./bench-options.ts";
import { loadBenchData } from "./bench-setup.ts";
import { RANGES } from "./dataset-sql.ts";
import { formatTable, describeMachine, ms } from "./report.ts";
import { PAGE_LIMIT } from "./workload.ts";

// npm run bench:pages -- [--iterations N] [--letters N] [--only FILTER]: every offset page a user can reach, one request at a
// time on an idle server, through LetterRepository.search on our schema: each sort key and direction, with no
// filter, with a common term, with a status; the first page, pages deep from the start, pages deep from the end
// (negative numbers count back from the last page) and the last page. Prints the median of N requests per page,
// the slowest pages and how many exceed 50 ms (the target of the deep-pages work).

const TARGET_MS = 50;
/** The terms: the most common ranges of the data set (5% down to 0.5% of letters) and two rarer ones. */
const TERMS = [...RANGES.slice(0, 5).map(([name]) => name), "Sepam", "PIX"];
/** `processed` is read from the table (window 1,000 letters); the others walk an index of the letters not processed (window 100,000). */
const STATUSES = ["processed", "failed", "pending"];
/** Pages by filter: no filter and the uncommon statuses walk an index alone (window 100,000 letters), the others read the table (1,000). */
const PAGES = {
  none: [1, 2000, 4000, -4000, -100, -1],
  term: [1, 20, 40, -40, -1],
  status: [1, 40, -40, -1],
  // failed (30,000 letters, 1,200 pages) and pending (20,000): every page is served; their middle too.
  uncommonStatus: [1, 40, 400, 600, -400, -40, -1],
} as const;

interface Cell {
  filter: string;
  sortBy: LetterSortKey;
  sortOrder: "asc" | "desc";
  page: number;
  median: number;
  served: number;
  rows: number;
}

async function main(): Promise<void> {
  const { only, rest } = takeOnly(process.argv.slice(2));
  const options = parseBenchOptions(["--setup", "ours", ...rest]);
  console.log(`command: npm run bench:pages${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`);
  for (const line of await describeMachine(options.adminUrl)) console.log(line);
  const { databases } = await loadBenchData(options);
  const ours = databases.find((database) => database.setup === "ours")!;
  console.log(`.. ${options.iterations} requests per page, one at a time, on ${describeUrl(ours.url)}`);
  const db = await connectDatabase({ databaseUrl: ours.url, env: {}, poolSize: 2, applicationName: "bench-pages" });
  const letters = new LetterRepository(db.prisma);
  const cells: Cell[] = [];
  try {
    const filters: [group: keyof typeof PAGES, label: string, filter: { query?: string; status?: string }][] = [
      ["none", "no filter", {}],
      ...TERMS.map((term) => ["term", `term ${term}`, { query: term }] as [keyof typeof PAGES, string, { query: string }]),
      ...STATUSES.map(
        (status) => [status === "processed" ? "status" : "uncommonStatus", `status ${status}`, { status }] as [keyof typeof PAGES, string, { status: string }],
      ),
    ];
    for (const [group, label, filter] of filters.filter(([, label]) => only === undefined || label.includes(only))) {
      for (const sortBy of LETTER_SORT_KEYS) {
        for (const sortOrder of ["asc", "desc"] as const) {
          for (const page of PAGES[group]) {
            const times: number[] = [];
            let result = { page: 0, data: [] as unknown[] };
            for (let i = 0; i < options.iterations; i++) {
              const began = performance.now();
              result = await letters.search({ ...filter, sortBy, sortOrder, page, limit: PAGE_LIMIT });
              times.push(performance.now() - began);
            }
            cells.push({ filter: label, sortBy, sortOrder, page, median: median(times), served: result.page, rows: result.data.length });
          }
        }
      }
      const own = cells.filter((cell) => cell.filter === label);
      console.log(`   ${label}: ${own.length} pages, slowest median ${ms(Math.max(...own.map((cell) => cell.median)))} ms`);
    }
  } finally {
    await db.close();
  }
  report(cells);
}

function report(cells: Cell[]): void {
  const over = cells.filter((cell) => cell.median >= TARGET_MS);
  const empty = cells.filter((cell) => cell.rows === 0);
  console.log(`\n== ${cells.length} pages; medians: max ${ms(Math.max(...cells.map((cell) => cell.median)))} ms, ${over.length} at or over ${TARGET_MS} ms; ${empty.length} empty pages`);
  for (const group of ["no filter", "term", "status"]) {
    const own = cells.filter((cell) => cell.filter.startsWith(group));
    if (own.length === 0) continue; // left out by --only
    const medians = own.map((cell) => cell.median);
    console.log(`   ${group}: ${own.length} pages, median of medians ${ms(median(medians))} ms, max ${ms(Math.max(...medians))} ms`);
  }
  console.log("\nslowest page (median ms) by filter and sort key, over both directions and every page asked:");
  const labels = [...new Set(cells.map((cell) => cell.filter))];
  const matrix = labels.map((label) => [
    label,
    ...LETTER_SORT_KEYS.map((sortBy) => ms(Math.max(...cells.filter((cell) => cell.filter === label && cell.sortBy === sortBy).map((cell) => cell.median)))),
  ]);
  for (const line of formatTable(["filter", ...LETTER_SORT_KEYS], matrix)) console.log(line);
  const slowest = [...cells].sort((a, b) => b.median - a.median).filter((cell, index) => index < 20 || cell.median >= TARGET_MS);
  console.log(`\nslowest pages: the 20 slowest and every page at or over ${TARGET_MS} ms (page asked → page served, rows):`);
  const rows = slowest.map((cell) => [cell.filter, `${cell.sortBy} ${cell.sortOrder}`, `${cell.page} → ${cell.served}`, String(cell.rows), ms(cell.median)]);
  for (const line of formatTable(["filter", "order", "page", "rows", "median ms"], rows)) console.log(line);
}

/** `--only TEXT`: only the filters whose label contains TEXT (e.g. "term Sepam", "status"); the rest are bench options. */
function takeOnly(argv: string[]): { only: string | undefined; rest: string[] } {
  const at = argv.indexOf("--only");
  if (at === -1) return { only: undefined, rest: argv };
  const only = argv[at + 1];
  if (only === undefined || only.startsWith("--")) throw new Error("--only takes a filter label (or part of one), e.g. --only 'term Sepam'");
  return { only, rest: [...argv.slice(0, at), ...argv.slice(at + 2)] };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
