import { beforeAll, describe, expect, it } from "vitest";
import { generateDataSql } from "../../bench/search/dataset-sql.ts";
import type { DatabaseClient } from "../../src/client/database-client.ts";
import { encodeCursor } from "../../src/letters/keyset-cursor.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { LETTER_COLUMN_DESCRIPTIONS } from "../../src/letters/letter-columns.ts";
import { LETTER_SORT_KEYS, letterSearchInputSchema, type LetterSearchInput, type LetterSortKey } from "../../src/letters/letter-search-schemas.ts";
import { walksIndexOnly } from "../../src/letters/letter-search.ts";
import type { OffsetPageOptions } from "../../src/letters/offset-page.ts";
import { useTestDatabase } from "../support/test-database.ts";

// Plan-shape regression tests: the SQL the repository really sends for searches, filters and both
// pagination styles, captured at the pool and run through EXPLAIN on realistic, analyzed data. They
// assert which indexes serve it and that no plan reads all of `letters` (no Seq Scan, no full Sort),
// never how long anything takes: speed is measured by `npm run bench:search` / `bench:load`.

const database = useTestDatabase();
const LETTERS = 20_000;

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Plans?: PlanNode[];
}

interface CapturedQuery {
  text: string;
  values: unknown[];
}

/** The `letters` column a sort key orders by (`documentName` → `document_name`). */
function columnOf(sortBy: LetterSortKey): string {
  return LETTER_COLUMN_DESCRIPTIONS[sortBy].column;
}

/** Every node of a plan tree, depth first. */
function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

/** Runs `work` on a repository (made with `options`) whose pool records every statement it sends. */
async function capture(work: (letters: LetterRepository) => Promise<unknown>, options: OffsetPageOptions = {}): Promise<CapturedQuery[]> {
  const db: DatabaseClient = await database.connect();
  const captured: CapturedQuery[] = [];
  const pool = db.pool as unknown as { query: (...args: unknown[]) => unknown };
  const original = pool.query.bind(pool);
  pool.query = (...args: unknown[]) => {
    const [config, values] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
    captured.push(typeof config === "string" ? { text: config, values: values ?? [] } : { text: config.text, values: config.values ?? [] });
    return original(...args);
  };
  try {
    await work(new LetterRepository(db.prisma, options));
  } finally {
    await db.close();
  }
  return captured.filter((query) => /\b(FROM|JOIN) letters l\b/.test(query.text) && !query.text.trimStart().startsWith("EXPLAIN"));
}

/** EXPLAIN (FORMAT JSON) of each captured statement, with its own parameters, as plan nodes. */
async function plansOf(queries: CapturedQuery[]): Promise<PlanNode[][]> {
  expect(queries.length, "the repository sent no query on letters").toBeGreaterThan(0);
  const plans: PlanNode[][] = [];
  for (const query of queries) {
    const [row] = await database.sql<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${query.text}`, query.values);
    plans.push(nodesOf(row!["QUERY PLAN"][0].Plan));
  }
  return plans;
}

/**
 * Asserts no plan reads all of a table: no Seq Scan on it, and no Sort above an unbounded read of
 * letters (a Sort is fine above a bitmap or an index condition, which only deliver the matching rows).
 */
function expectNoFullScan(plans: PlanNode[][], tables: string[] = ["letters"], label = ""): void {
  for (const nodes of plans) {
    const shape = label + JSON.stringify(nodes.map((node) => `${node["Node Type"]}${node["Index Name"] ? ` ${node["Index Name"]}` : ""}`));
    const seqScans = nodes.filter((node) => node["Node Type"] === "Seq Scan" && tables.includes(node["Relation Name"] ?? ""));
    expect(seqScans.map((node) => node["Relation Name"]), shape).toEqual([]);
    for (const sort of nodes.filter((node) => node["Node Type"] === "Sort")) {
      const unbounded = belowLimits(sort).filter(
        (node) => node["Relation Name"] === "letters" && node["Node Type"] !== "Bitmap Heap Scan" && node["Index Cond"] === undefined,
      );
      expect(unbounded.map((node) => node["Node Type"]), `Sort over an unbounded read of letters: ${shape}`).toEqual([]);
    }
  }
}

/** The nodes under `node` that no Limit bounds (a Sort above a Limit sorts only the rows the Limit lets through). */
function belowLimits(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap((child) => (child["Node Type"] === "Limit" ? [] : belowLimits(child)))];
}

/** Seq Scans of letters with no Limit above them. */
function unlimitedSeqScans(node: PlanNode, limited = false): string[] {
  const below = limited || node["Node Type"] === "Limit";
  const own = node["Node Type"] === "Seq Scan" && node["Relation Name"] === "letters" && !below ? ["Seq Scan on letters"] : [];
  return [...own, ...(node.Plans ?? []).flatMap((child) => unlimitedSeqScans(child, below))];
}

function indexesUsed(plans: PlanNode[][]): Set<string> {
  return new Set(plans.flat().flatMap((node) => (node["Index Name"] ? [node["Index Name"]] : [])));
}

let rareTerm = "";

beforeAll(async () => {
  await database.sql(generateDataSql(LETTERS));
  // The generated data has no debug steps; two per letter, so that the read by id has rows to find there.
  await database.sql("INSERT INTO processing_debug (letter_id, processing_step) SELECT id, step FROM letters, (VALUES ('ocr'), ('extract')) AS steps (step)");
  await database.sql("VACUUM ANALYZE");
  // A piece of one letter's product identifier, as a user would type it: matches a handful of letters.
  const [row] = await database.sql<{ term: string }>("SELECT substr(split_part(document_name, '_', 1), 2, 7) AS term FROM letters WHERE id = 4242");
  rareTerm = row!.term;
}, 120_000);

describe("plans of LetterRepository.search", () => {
  it("finds a rare substring through the search_text trigram index, on the page and in the total", async () => {
    const queries = await capture(async (letters) => {
      const page = await letters.search({ query: rareTerm });
      expect(page.data.length).toBeGreaterThan(0);
    });
    const plans = await plansOf(queries);
    expectNoFullScan(plans);
    expect(indexesUsed(plans)).toContain("idx_letters_search_text_trgm");
  });

  it("falls back to ILIKE on the three columns and their trigram indexes for a query holding search_text's separator", async () => {
    const plans = await plansOf(await capture((letters) => letters.search({ query: `${rareTerm}\u0001x` })));
    expectNoFullScan(plans);
    const used = indexesUsed(plans);
    for (const index of ["idx_letters_document_name_trgm", "idx_letters_document_title_trgm", "idx_letters_source_file_path_trgm"]) {
      expect(used, index).toContain(index);
    }
  });

  it("reads a common term's first page along the created_at index, and counts a full page with a bounded read", async () => {
    const queries = await capture(async (letters) => {
      const page = await letters.search({ query: "Masterpact" });
      expect(page.data).toHaveLength(25);
      expect(page.totalExact).toBe(false);
    });
    const [pageQuery, ...countQueries] = queries;
    const pagePlan = await plansOf([pageQuery!]);
    expectNoFullScan(pagePlan);
    expect([...indexesUsed(pagePlan)].some((index) => index.startsWith("idx_letters_created_at"))).toBe(true);
    // The count stops after EXACT_TOTAL_LIMIT + 1 matches: for a common term PostgreSQL may read letters in
    // table order for that (a Seq Scan under the Limit, which stops early); it must never be unbounded.
    for (const query of countQueries) {
      const [row] = await database.sql<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${query.text}`, query.values);
      expect(unlimitedSeqScans(row!["QUERY PLAN"][0].Plan), query.text).toEqual([]);
    }
  });

  it("counts a mid-sized match set (fewer than the estimate threshold) without a sequential scan", async () => {
    const queries = await capture(async (letters) => {
      const page = await letters.search({ query: rareTerm.slice(0, 4), limit: 5 });
      expect(page.data.length).toBeGreaterThan(0);
    });
    expectNoFullScan(await plansOf(queries));
  });

  it("filters by a rare status in the default order on (status, created_at, id); a common one along created_at", async () => {
    const failed = await plansOf(await capture((letters) => letters.search({ status: "failed" })));
    expectNoFullScan(failed);
    expect(indexesUsed(failed)).toContain("idx_letters_status_created_at_id");
    const processed = await plansOf(await capture((letters) => letters.search({ status: "processed", page: 40 })));
    expectNoFullScan(processed);
    expect([...indexesUsed(processed)].some((index) => ["idx_letters_status_created_at_id", "idx_letters_created_at"].includes(index))).toBe(true);
  });

  it("sorts by every allowed key, both directions, first and deep page, along an index of that key", async () => {
    const expected: Record<string, string[]> = {
      createdAt: ["idx_letters_created_at", "idx_letters_created_at_id", "idx_letters_created_at_status"],
      id: ["letters_pkey"],
    };
    for (const sortBy of LETTER_SORT_KEYS) {
      for (const sortOrder of ["asc", "desc"] as const) {
        for (const page of [1, 40]) {
          const queries = await capture((letters) => letters.search({ sortBy, sortOrder, page }));
          const plans = await plansOf(queries);
          expectNoFullScan(plans);
          const allowed = expected[sortBy] ?? [`idx_letters_${columnOf(sortBy)}_id`];
          expect([...indexesUsed(plans)].some((index) => allowed.includes(index)), `${sortBy} ${sortOrder} page ${page}: ${[...indexesUsed(plans)].join(", ")}`).toBe(true);
        }
      }
    }
  });

  it("serves the product filters from letter_products' indexes without scanning either table", async () => {
    const [product] = await database.sql<{ product_identifier: string; range_label: string }>(
      "SELECT product_identifier, range_label FROM letter_products WHERE id = 31337",
    );
    const queries = await capture(async (letters) => {
      expect((await letters.search({ productIdentifier: product!.product_identifier })).data.length).toBeGreaterThan(0);
    });
    const plans = await plansOf(queries);
    expectNoFullScan(plans, ["letters", "letter_products"]);
    expect(indexesUsed(plans)).toContain("idx_products_product_identifier");
  });
});

describe("plans of deep and last offset pages", () => {
  // Windows small enough for this data set to have pages read from the end, numbered from an estimate.
  const windows = { maxOffset: 5_000, maxFilteredOffset: 500 } satisfies OffsetPageOptions;
  const sortIndex = (sortBy: LetterSortKey) =>
    sortBy === "id" ? "letters_pkey" : `idx_letters_${columnOf(sortBy)}_id`;

  /** The walk of the page query: the node under its Limit, which finds the page's ids. */
  async function pageWalks(queries: CapturedQuery[]): Promise<PlanNode[]> {
    const pageQueries = queries.filter((query) => query.text.includes("WHERE l.id IN ("));
    expect(pageQueries).toHaveLength(1);
    const [nodes] = await plansOf(pageQueries);
    return nodes!.filter((node) => node["Node Type"] === "Limit").map((limit) => limit.Plans![0]!);
  }

  it("walks the sort index alone (index-only) to a deep page and to the last pages of every order, reading only the page's rows", async () => {
    for (const sortBy of LETTER_SORT_KEYS) {
      for (const sortOrder of ["asc", "desc"] as const) {
        let totalPages = 0;
        const queries = await capture(async (letters) => {
          const deep = await letters.search({ sortBy, sortOrder, page: 150 });
          expect(deep.totalExact).toBe(false);
          totalPages = deep.totalPages;
          expect((await letters.search({ sortBy, sortOrder, page: totalPages })).data.length).toBeGreaterThan(0);
          expect((await letters.search({ sortBy, sortOrder, page: totalPages - 100 })).data).toHaveLength(25);
        }, windows);
        expectNoFullScan(await plansOf(queries));
        for (const page of [150, totalPages, totalPages - 100]) {
          const walks = await pageWalks(await capture((letters) => letters.search({ sortBy, sortOrder, page }), windows));
          expect(walks.map((walk) => `${walk["Node Type"]} ${walk["Index Name"]}`), `${sortBy} ${sortOrder} page ${page}`).toEqual([
            `Index Only Scan ${sortIndex(sortBy)}`,
          ]);
        }
      }
    }
  });

  it("walks an index alone for every search walksIndexOnly() accepts (the searches given the larger window)", async () => {
    const covered: LetterSearchInput[] = [
      { status: "failed" },
      { status: ["pending"], sortBy: "status", sortOrder: "asc" },
      { status: ["failed", "pending"], sortBy: "documentName" },
      { status: "failed", sortBy: "updatedAt", sortOrder: "asc" },
      { documentType: "obsolescence_letter", sortBy: "documentType" },
      { minConfidence: 0.7, sortBy: "extractionConfidence", sortOrder: "asc" },
      { createdFrom: new Date("2020-01-01T00:00:00Z"), createdTo: new Date("2024-01-01T00:00:00Z") },
      { status: "processed", createdFrom: new Date("2020-01-01T00:00:00Z"), sortOrder: "asc" },
    ];
    for (const input of covered) {
      expect(walksIndexOnly(letterSearchInputSchema.parse(input)), JSON.stringify(input)).toBe(true);
      const queries = await capture((letters) => letters.search({ ...input, page: 20 }), windows);
      const walks = await pageWalks(queries);
      expect(walks.map((walk) => walk["Node Type"]), JSON.stringify(input)).toEqual(["Index Only Scan"]);
      // The total of such a search is counted in an index too (up to twice the window), never in the table.
      expectNoFullScan(await plansOf(queries));
    }
    const notCovered = [
      { status: ["failed", "processed"] },
      { status: "processed", sortBy: "documentName" },
      { status: "failed", query: "pix" },
      { query: "pix" },
    ] satisfies LetterSearchInput[];
    for (const input of notCovered) expect(walksIndexOnly(letterSearchInputSchema.parse(input)), JSON.stringify(input)).toBe(false);
  });

  /** The indexes that hold the page of a search for statuses other than 'processed' in its order. */
  function walkableIndexes(input: LetterSearchInput): string[] {
    const sortBy = input.sortBy ?? "createdAt";
    const indexes = [`idx_letters_unprocessed_${columnOf(sortBy)}${sortBy === "id" ? "" : "_id"}`];
    // One status in the order of its own older indexes: (status, created_at, id), (status, id), (id) WHERE status = 'failed'.
    if (typeof input.status === "string") {
      if (sortBy === "createdAt") indexes.push("idx_letters_status_created_at_id");
      if (sortBy === "status" || sortBy === "id") indexes.push("idx_letters_status_id");
      if (sortBy === "id" && input.status === "failed") indexes.push("idx_letters_failed");
    }
    return indexes;
  }

  it("walks the sort key's index of the letters not processed alone for statuses other than 'processed', in every order, to deep pages from either end", async () => {
    const filters: LetterSearchInput[] = [{ status: "failed" }, { status: ["failed", "pending"] }];
    for (const filter of filters) {
      for (const sortBy of LETTER_SORT_KEYS) {
        for (const sortOrder of ["asc", "desc"] as const) {
          const input = { ...filter, sortBy, sortOrder };
          const label = JSON.stringify(input);
          expect(walksIndexOnly(letterSearchInputSchema.parse(input)), label).toBe(true);
          // Pages 20 deep from either end. (Of the last page, with a status in 3% of these 20,000 letters, the planner
          // may rather sort that status's 600 rows, read through idx_letters_failed; on a million it walks too.)
          for (const page of [20, -20]) {
            const queries = await capture(async (letters) => {
              expect((await letters.search({ ...input, page })).data, `${label} page ${page}`).toHaveLength(25);
            }, windows);
            expectNoFullScan(await plansOf(queries), ["letters"], `${label} page ${page}: `);
            const walks = await pageWalks(queries);
            expect(walks.map((walk) => walk["Node Type"]), `${label} page ${page}`).toEqual(["Index Only Scan"]);
            expect(walkableIndexes(input), `${label} page ${page}`).toContain(walks[0]!["Index Name"]);
          }
        }
      }
    }
  });

  it("walks (status, created_at, id) alone for one status in creation order, from either end", async () => {
    let totalPages = 0;
    await capture(async (letters) => {
      totalPages = (await letters.search({ status: "processed" })).totalPages;
    }, windows);
    for (const page of [100, totalPages, totalPages - 10]) {
      const queries = await capture(async (letters) => {
        expect((await letters.search({ status: "processed", page })).data).toHaveLength(25);
      }, windows);
      expectNoFullScan(await plansOf(queries));
      const walks = await pageWalks(queries);
      expect(walks.map((walk) => `${walk["Node Type"]} ${walk["Index Name"]}`)).toEqual(["Index Only Scan idx_letters_status_created_at_id"]);
    }
  });

  it("finds a text search's page in a text order by a bounded walk of the sort index, else by collecting the matches through the trigram index", async () => {
    for (const sortOrder of ["asc", "desc"] as const) {
      const queries = await capture(async (letters) => {
        expect((await letters.search({ query: "Masterpact", sortBy: "documentName", sortOrder })).data).toHaveLength(25);
        expect((await letters.search({ query: "Masterpact", sortBy: "documentName", sortOrder, page: 20 })).data).toHaveLength(25);
      }, windows);
      // Page 1 is walked (a walk that stops once it has the page: no Sort, no window over the walked rows);
      // page 20 is walked only when the estimates put it within the walk's bound.
      const walks = queries.filter((query) => query.text.includes("AS hit FROM letters l ORDER BY"));
      expect(walks.length).toBeGreaterThanOrEqual(1);
      for (const nodes of await plansOf(walks)) {
        const limit = nodes.find((node) => node["Node Type"] === "Limit")!;
        expect(nodesOf(limit).map((node) => `${node["Node Type"]}${node["Index Name"] ? ` ${node["Index Name"]}` : ""}`)).toEqual([
          "Limit",
          "Subquery Scan",
          "Limit",
          "Index Scan idx_letters_document_name_id",
        ]);
      }
      const collected = queries.filter((query) => query.text.includes("OFFSET 0) AS m"));
      expect(collected.length, "page 20 (500 matches in) is not within the first rows of the name order").toBeGreaterThan(0);
      const plans = await plansOf(collected);
      expectNoFullScan(plans);
      expect(indexesUsed(plans)).toContain("idx_letters_search_text_trgm");
    }
  });

  it("finds a deep page of a term in an order that is not the table's among the matches of a prefix of the order: the trigram and sort indexes ANDed", async () => {
    for (const sortOrder of ["asc", "desc"] as const) {
      const queries = await capture(async (letters) => {
        for (let page = 1; page <= 20; page++) expect((await letters.search({ query: "Acti9", sortBy: "extractionConfidence", sortOrder, page })).data).toHaveLength(25);
      }, windows);
      const prefixed = queries.filter((query) => /= CAST\(\$\d+ AS \w+\) AND l\.id [<>]= \$\d+\)/.test(query.text));
      expect(prefixed.length, "no page was read among a prefix of the order").toBeGreaterThan(0);
      const plans = await plansOf(prefixed);
      expectNoFullScan(plans);
      for (const nodes of plans) {
        const and = nodes.find((node) => node["Node Type"] === "BitmapAnd");
        expect(and, "the prefix is read as a BitmapAnd").toBeDefined();
        expect(indexesUsed([nodesOf(and!)])).toEqual(new Set(["idx_letters_search_text_trgm", "idx_letters_extraction_confidence_id"]));
      }
    }
  });

  it("reads the last pages of a common term from the end along an index, never sorting the match set", async () => {
    for (const sortBy of ["createdAt", "documentName"] as const) {
      const queries = await capture(async (letters) => {
        const first = await letters.search({ query: "Masterpact", sortBy });
        expect(first.totalExact).toBe(false);
        expect((await letters.search({ query: "Masterpact", sortBy, page: first.totalPages })).data).toHaveLength(25);
        expect((await letters.search({ query: "Masterpact", sortBy, page: first.totalPages - 10 })).data).toHaveLength(25);
      }, windows);
      // Each of the three pages is read at least once (a step that misses the page hands over to the next).
      const pageQueries = queries.filter((query) => query.text.includes("WHERE l.id IN ("));
      expect(pageQueries.length).toBeGreaterThanOrEqual(3);
      expectNoFullScan(await plansOf(pageQueries));
      // The bounded count may read letters in table order, stopping after the bound (see above).
      for (const query of queries.filter((query) => !pageQueries.includes(query))) {
        const [row] = await database.sql<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${query.text}`, query.values);
        expect(unlimitedSeqScans(row!["QUERY PLAN"][0].Plan), query.text).toEqual([]);
      }
    }
  });
});

describe("plans of LetterRepository.searchByCursor", () => {
  it("reads the first and a deep keyset page of each sort along an index, whatever the depth", async () => {
    for (const sortBy of LETTER_SORT_KEYS) {
      for (const sortOrder of ["asc", "desc"] as const) {
        const queries = await capture(async (letters) => {
          const first = await letters.searchByCursor({ sortBy, sortOrder });
          expect(first.nextCursor).not.toBeNull();
          // A position 10,000 rows in, built the way a walk would reach it.
          const column = columnOf(sortBy);
          const order = sortOrder === "desc" ? "DESC NULLS FIRST" : "ASC NULLS LAST";
          const [deep] = await database.sql<{ value: string | null; id: number }>(
            `SELECT ${column}::text AS value, id FROM letters ORDER BY ${column} ${order}, id ${sortOrder} OFFSET 9999 LIMIT 1`,
          );
          const cursor = encodeCursor({ sortBy, sortOrder, value: deep!.value, id: deep!.id });
          expect((await letters.searchByCursor({ sortBy, sortOrder, cursor })).data).toHaveLength(25);
        });
        expectNoFullScan(await plansOf(queries));
      }
    }
  });

  it("pages a text search and a status filter by cursor without a sequential scan", async () => {
    const queries = await capture(async (letters) => {
      const first = await letters.searchByCursor({ query: "Masterpact" });
      await letters.searchByCursor({ query: "Masterpact", cursor: first.nextCursor! });
      const failed = await letters.searchByCursor({ status: "failed" });
      await letters.searchByCursor({ status: "failed", cursor: failed.nextCursor! });
      await letters.searchByCursor({ query: rareTerm });
    });
    expectNoFullScan(await plansOf(queries));
  });
});

describe("plan of LetterRepository.getById", () => {
  it("reads a letter and all its children by index, in one statement, with the plan planned for its id and the generic one", async () => {
    const queries = await capture(async (letters) => {
      const letter = await letters.getById(4242, { products: true, matches: true, debugSteps: true });
      expect(letter.products.length).toBeGreaterThan(0);
      expect(letter.debugSteps).toHaveLength(2);
    });
    expect(queries).toHaveLength(1);
    const [query] = queries;
    // A prepared statement switches to the generic plan (planned without the id) after five runs: that
    // plan must be as good as the one planned for the id.
    expect(query!.values.every((value) => value === 4242)).toBe(true);
    const [generic] = await database.sql<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
      `PREPARE by_id AS ${query!.text}; SET plan_cache_mode = force_generic_plan;
       EXPLAIN (FORMAT JSON) EXECUTE by_id(${query!.values.join(", ")})`,
    );
    const plans = [...(await plansOf(queries)), nodesOf(generic!["QUERY PLAN"][0].Plan)];
    for (const plan of plans) {
      expectNoFullScan([plan], ["letters", "letter_products", "letter_product_matches", "processing_debug"]);
      const used = indexesUsed([plan]);
      for (const index of ["idx_products_letter_id", "idx_matches_letter_id", "idx_debug_letter_id", "letter_products_pkey"]) {
        expect(used, index).toContain(index);
      }
    }
  });
});
