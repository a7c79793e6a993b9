import { describe, expect, it } from "vitest";
import { importDuckDb, verifyImport } from "../../src/importer/index.ts";
import { createSampleLettersDuckDb } from "../../src/importer/sample-letters-duckdb.ts";
import { useScratchFolder } from "../support/duckdb-files.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const scratch = useScratchFolder();

describe("importDuckDb", () => {
  it("imports every row of a realistic file, verifies it, keeps ids and moves sequences past them", async () => {
    const file = scratch.path("sample.duckdb");
    await createSampleLettersDuckDb(file, { letters: 300, productsPerLetter: 3, debugStepsPerLetter: 2 });
    const summary = await importDuckDb({ from: file, databaseUrl: database.url, env: {} });
    expect(summary.outcome).toBe("imported");
    expect(summary.committed).toBe(true);
    expect(summary.verification?.ok).toBe(true);
    expect(summary.verification?.differences).toEqual([]);
    // The four foreign keys were validated by their rebuild in the import's transaction: no second scan.
    expect(summary.verification?.orphans.map((o) => [o.table, o.column, o.rows, o.checkedBy])).toEqual([
      ["letter_products", "letter_id", 0, "foreign key"],
      ["letter_product_matches", "letter_id", 0, "foreign key"],
      ["letter_product_matches", "letter_product_id", 0, "foreign key"],
      ["processing_debug", "letter_id", 0, "foreign key"],
    ]);
    expect(summary.tables.map((t) => [t.table, t.rowsRead, t.imported, t.rejected])).toEqual([
      ["letters", 300, 300, 0],
      ["letter_products", 900, 900, 0],
      ["letter_product_matches", 900, 900, 0],
      ["processing_debug", 600, 600, 0],
    ]);
    const [counts] = await database.sql(
      "SELECT (SELECT count(*)::int FROM letters) AS l, (SELECT count(*)::int FROM letter_products) AS p, (SELECT max(id) FROM letter_product_matches) AS m",
    );
    expect(counts).toEqual({ l: 300, p: 900, m: 900 });
    const [next] = await database.sql(
      "SELECT nextval('letters_id_seq')::int AS l, nextval('letter_products_id_seq')::int AS p, nextval('letter_product_matches_id_seq')::int AS m, nextval('processing_debug_id_seq')::int AS d",
    );
    expect(next).toEqual({ l: 301, p: 901, m: 901, d: 601 });
    const indexes = await database.sql<{ n: number }>("SELECT count(*)::int AS n FROM pg_indexes WHERE tablename IN ('letters','letter_products','letter_product_matches','processing_debug')");
    expect(indexes[0]?.n).toBeGreaterThanOrEqual(30);
    const fks = await database.sql<{ n: number }>("SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND convalidated AND confdeltype = 'c'");
    expect(fks[0]?.n).toBe(4);

    // COPY FREEZE: every page is written frozen and all-visible, so no later scan sets hint bits.
    await database.sql("CREATE EXTENSION IF NOT EXISTS pg_visibility");
    const pages = await database.sql<{ all_visible: number; all_frozen: number; pages: number }>(
      `SELECT v.all_visible::int, v.all_frozen::int, pg_relation_size('letter_products')::int / current_setting('block_size')::int AS pages
         FROM pg_visibility_map_summary('letter_products') v`,
    );
    expect(pages[0]?.pages).toBeGreaterThan(0);
    expect(pages[0]).toEqual({ all_visible: pages[0]?.pages, all_frozen: pages[0]?.pages, pages: pages[0]?.pages });

    const verified = await verifyImport({ from: file, databaseUrl: database.url, env: {} });
    expect(verified.ok).toBe(true);
    expect(verified.orphans.map((o) => o.checkedBy)).toEqual(["query", "query", "query", "query"]);
    await database.sql("UPDATE letter_products SET range_label = range_label || 'x' WHERE id = 17");
    const changed = await verifyImport({ from: file, databaseUrl: database.url, env: {} });
    expect(changed.ok).toBe(false);
    expect(changed.differences).toEqual([expect.stringMatching(/^letter_products: same row count \(900\) but the content differs/)]);
  });

  it("counts orphans with a query for a foreign key the target keeps NOT VALID", async () => {
    const file = scratch.path("not-valid.duckdb");
    await createSampleLettersDuckDb(file, { letters: 20, productsPerLetter: 2, debugStepsPerLetter: 1 });
    await database.sql(
      `ALTER TABLE processing_debug DROP CONSTRAINT processing_debug_letter_id_fkey;
       ALTER TABLE processing_debug ADD CONSTRAINT processing_debug_letter_id_fkey FOREIGN KEY (letter_id) REFERENCES letters(id) ON DELETE CASCADE NOT VALID`,
    );
    const summary = await importDuckDb({ from: file, databaseUrl: database.url, env: {}, replace: true });
    expect(summary.verification?.ok).toBe(true);
    expect(summary.verification?.orphans.map((o) => `${o.table}.${o.column}:${o.checkedBy}`)).toEqual([
      "letter_products.letter_id:foreign key",
      "letter_product_matches.letter_id:foreign key",
      "letter_product_matches.letter_product_id:foreign key",
      "processing_debug.letter_id:query",
    ]);
    const [key] = await database.sql<{ convalidated: boolean }>("SELECT convalidated FROM pg_constraint WHERE conname = 'processing_debug_letter_id_fkey'");
    expect(key?.convalidated).toBe(false);
  });
});
