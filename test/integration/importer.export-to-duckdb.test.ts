import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { compareDuckDbFiles } from "../../src/importer/compare-duckdb-files.ts";
import { createSampleLettersDuckDb, exportToDuckDb, importDuckDb, verifyImport } from "../../src/importer/index.ts";
import { migrate } from "../../src/migrate/migrate.ts";
import { useBundledEntry } from "../support/bundle-entry.ts";
import { createDuckDbFile, insertLetter, useScratchFolder } from "../support/duckdb-files.ts";
import { JSON_DOCUMENTS, REALS, TEXTS, TIMESTAMPS } from "../support/fidelity-values.ts";
import { databaseUrlFor } from "../support/database-url-for.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const scratch = useScratchFolder();
const bundleChild = useBundledEntry("test/support/export-child.ts");

/** Empties the test database and imports `file` into it. */
async function importFresh(file: string): Promise<void> {
  await database.sql("TRUNCATE letters, letter_products, letter_product_matches, processing_debug");
  const summary = await importDuckDb({ from: file, databaseUrl: database.url, env: {} });
  expect(summary.outcome, JSON.stringify(summary.verification?.differences)).toBe("imported");
}

/** Runs `sql` on a DuckDB file (opened for writing) and returns its rows as JavaScript values. */
async function queryDuckDb(file: string, sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const jsonLiteral = (document: string | null) => (document === null ? "NULL" : `'${document.replace(/'/g, "''")}'`);

/** A source with every awkward value of the importer's fidelity tests, ids with gaps, and a child of each kind. */
function awkwardStatements(): string[] {
  let id = 1;
  const next = () => (id += 7); // ids with gaps
  return [
    ...TEXTS.map(([, expression]) => insertLetter(next(), `document_title=${expression}`)),
    ...JSON_DOCUMENTS.map(([, document]) => insertLetter(next(), `raw_grok_json=${jsonLiteral(document)}`)),
    ...REALS.map(([, expression]) => insertLetter(next(), `extraction_confidence=${expression}`)),
    ...TIMESTAMPS.map(([value]) => insertLetter(next(), `created_at=TIMESTAMP '${value}'`)),
    insertLetter(1_000_000),
    `INSERT INTO letter_products (id, letter_id, product_description, range_label, product_line, confidence_score) VALUES
       (9, 8, repeat('ü😀x', 400000), '', NULL, '-0'::REAL), (500, 1000000, 'b', NULL, 'PL', 'NaN'::REAL)`,
    `INSERT INTO letter_product_matches (id, letter_id, letter_product_id, ibcatalogue_product_identifier, match_confidence, range_based_matching, created_at)
       VALUES (77, 8, 9, 'IB-1', 'Infinity'::REAL, NULL, TIMESTAMP '9999-12-31 23:59:59.999999')`,
    "INSERT INTO processing_debug (id, letter_id, processing_step, step_success, step_timestamp) VALUES (12345, 1000000, 'ocr', FALSE, TIMESTAMP '1969-12-31 23:59:59.999999')",
  ];
}

describe("exportToDuckDb", () => {
  it("round trip: DuckDB → PostgreSQL → DuckDB gives the same cells for every awkward value, and verify passes on the export", async () => {
    const source = await createDuckDbFile(scratch.path("awkward.duckdb"), awkwardStatements());
    await importFresh(source);
    const exported = scratch.path("awkward-export.duckdb");
    const summary = await exportToDuckDb({ to: exported, databaseUrl: database.url, env: {} });
    expect(summary.outcome, JSON.stringify(summary.verification.differences)).toBe("exported");
    expect(summary.tables.map((table) => [table.table, table.rows])).toEqual([
      ["letters", TEXTS.length + JSON_DOCUMENTS.length + REALS.length + TIMESTAMPS.length + 1],
      ["letter_products", 2],
      ["letter_product_matches", 1],
      ["processing_debug", 1],
    ]);

    const comparison = await compareDuckDbFiles(source, exported);
    expect(comparison.differences).toEqual([]);
    expect(comparison.identical).toBe(true);

    // JSON comes back as the text jsonb holds, SQL NULL as NULL and JSON null as the JSON text null.
    const stored = await database.sql<{ id: number; text: string | null }>("SELECT id, raw_grok_json::text AS text FROM letters ORDER BY id");
    const back = await queryDuckDb(exported, "SELECT id, raw_grok_json::VARCHAR FROM letters ORDER BY id");
    expect(back).toEqual(stored.map((row) => [row.id, row.text]));
    expect(back.filter(([, text]) => text === "null")).toHaveLength(1);
    // Columns, types and order are the pipeline's; the comparison above compared by name.
    const shape = (file: string) => queryDuckDb(file, "SELECT table_name, column_index, column_name, data_type, column_default FROM duckdb_columns() WHERE schema_name = 'main' ORDER BY ALL");
    expect(await shape(exported)).toEqual(await shape(source));

    const verified = await verifyImport({ from: exported, databaseUrl: database.url, env: {} });
    expect(verified.differences).toEqual([]);
    expect(verified.ok).toBe(true);
  });

  it("refuses an existing target without force, leaving it untouched; replaces it with force", async () => {
    const source = scratch.path("force-source.duckdb");
    await createSampleLettersDuckDb(source, { letters: 20 });
    await importFresh(source);
    const target = scratch.path("force-target.duckdb");
    writeFileSync(target, "not yet a DuckDB file");
    await expect(exportToDuckDb({ to: target, databaseUrl: database.url, env: {} })).rejects.toMatchObject({ code: "EXPORT_TARGET_EXISTS" });
    expect(readdirSync(dirname(target)).filter((name) => name.includes(basename(target)))).toEqual([basename(target)]);

    const replaced = await exportToDuckDb({ to: target, force: true, databaseUrl: database.url, env: {} });
    expect(replaced).toMatchObject({ outcome: "exported", replaced: true });
    expect((await compareDuckDbFiles(source, target)).identical).toBe(true);
    expect(readdirSync(dirname(target)).filter((name) => name.includes(basename(target)))).toEqual([basename(target)]);
  });

  it("gives a file the pipeline can write to: a new letter takes the default id, after the largest exported one", async () => {
    await createDuckDbFile(scratch.path("ids.duckdb"), [insertLetter(3), insertLetter(70_000), "INSERT INTO letter_products (id, letter_id) VALUES (41, 3)"]).then(importFresh);
    const exported = scratch.path("ids-export.duckdb");
    const summary = await exportToDuckDb({ to: exported, databaseUrl: database.url, env: {} });
    expect(summary.tables.map((table) => table.nextId)).toEqual([70_001, 42, 1, 1]);
    const rows = await queryDuckDb(
      exported,
      `INSERT INTO letters (document_name, source_file_path) VALUES ('new.pdf', '/new.pdf');
       INSERT INTO letter_products (letter_id) VALUES (70001);
       SELECT (SELECT max(id) FROM letters), (SELECT max(id) FROM letter_products), (SELECT status FROM letters WHERE id = 70001)`,
    );
    expect(rows).toEqual([[70_001, 42, "processed"]]);
    // The primary key is there too: an existing id is refused.
    await expect(queryDuckDb(exported, "INSERT INTO letters (id, document_name, source_file_path) VALUES (3, 'x', 'y')")).rejects.toThrow(/primary key|duplicate/i);
  });

  it("reads one snapshot while 4 writers insert and delete letters: children have parents and the counts are one snapshot's", async () => {
    // Every committed state has 2 products and 1 debug step per letter, so counts from two moments would disagree.
    await database.sql("TRUNCATE letters, letter_products, letter_product_matches, processing_debug RESTART IDENTITY");
    await database.sql(`
      WITH l AS (INSERT INTO letters (document_name, source_file_path) SELECT 'd' || i, '/p/' || i FROM generate_series(1, 20000) i RETURNING id)
      , p AS (INSERT INTO letter_products (letter_id, product_description) SELECT id, 'product ' || k FROM l, generate_series(1, 2) k)
      INSERT INTO processing_debug (letter_id, processing_step) SELECT id, 'ocr' FROM l`);
    let writing = true;
    let writes = 0;
    const writer = async (seed: number) => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        for (let round = 0; writing; round++) {
          await client.query("BEGIN");
          if (round % 2 === 0) {
            const { rows } = await client.query<{ id: number }>("INSERT INTO letters (document_name, source_file_path) VALUES ($1, $1) RETURNING id", [`w${seed}-${round}`]);
            await client.query("INSERT INTO letter_products (letter_id) VALUES ($1), ($1)", [rows[0]!.id]);
            await client.query("INSERT INTO processing_debug (letter_id, processing_step) VALUES ($1, 'w')", [rows[0]!.id]);
          } else {
            await client.query("DELETE FROM letters WHERE id = (SELECT id FROM letters WHERE id % 4 = $1 ORDER BY id OFFSET $2 LIMIT 1)", [seed, round]);
          }
          await client.query("COMMIT");
          writes++;
        }
      } finally {
        await client.end();
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    const exported = scratch.path("concurrent.duckdb");
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const writesBefore = writes;
      const summary = await exportToDuckDb({ to: exported, databaseUrl: database.url, env: {}, batchRows: 1000 });
      expect(summary.outcome).toBe("exported");
      expect(writes).toBeGreaterThan(writesBefore);
    } finally {
      writing = false;
      await Promise.all(writers);
    }
    const [[letters, products, debug, orphanProducts, orphanDebug]] = (await queryDuckDb(
      exported,
      `SELECT (SELECT count(*) FROM letters), (SELECT count(*) FROM letter_products), (SELECT count(*) FROM processing_debug),
         (SELECT count(*) FROM letter_products p WHERE NOT EXISTS (SELECT 1 FROM letters l WHERE l.id = p.letter_id)),
         (SELECT count(*) FROM processing_debug d WHERE NOT EXISTS (SELECT 1 FROM letters l WHERE l.id = d.letter_id))`,
    )) as [[bigint, bigint, bigint, bigint, bigint]];
    expect({ products, debug, orphanProducts, orphanDebug }).toEqual({ products: 2n * letters, debug: letters, orphanProducts: 0n, orphanDebug: 0n });
  });

  it("a killed export (SIGKILL while writing) leaves no file under the target's name", async () => {
    const source = scratch.path("kill-source.duckdb");
    await createSampleLettersDuckDb(source, { letters: 2000, productsPerLetter: 3, debugStepsPerLetter: 1 });
    await importFresh(source);
    const target = scratch.path("killed.duckdb");
    const child = spawn(process.execPath, [await bundleChild(), JSON.stringify({ to: target, databaseUrl: database.url })], { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (data: Buffer) => (output += data.toString()));
    while (!output.includes("paused") && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    expect(output).toBe("paused\n");
    expect(readdirSync(dirname(target)).some((name) => name.startsWith(`.${basename(target)}.`))).toBe(true); // the temporary file is being written
    child.kill("SIGKILL");
    await once(child, "exit");
    expect(existsSync(target)).toBe(false);
    expect(existsSync(`${target}.wal`)).toBe(false);
    // The next export to the same name needs no --force, gives the whole data, and removes the killed one's temporary file.
    const summary = await exportToDuckDb({ to: target, databaseUrl: database.url, env: {} });
    expect(summary.outcome).toBe("exported");
    expect((await compareDuckDbFiles(source, target)).identical).toBe(true);
    expect(readdirSync(dirname(target)).filter((name) => name.includes(basename(target)))).toEqual([basename(target)]);
  });

  it("a failed export (the session ended while writing; a database that does not fit) leaves neither the target nor a temporary file", async () => {
    const source = scratch.path("fail-source.duckdb");
    await createSampleLettersDuckDb(source, { letters: 2000, productsPerLetter: 3, debugStepsPerLetter: 1 });
    await importFresh(source);
    const target = scratch.path("failed.duckdb");
    const leftovers = () => readdirSync(dirname(target)).filter((name) => name.includes(basename(target)));
    let terminated: Promise<unknown> | undefined;
    const failure = await exportToDuckDb({
      to: target,
      databaseUrl: database.url,
      env: {},
      batchRows: 100,
      onProgress(progress) {
        if (terminated === undefined && progress.phase === "load" && progress.table === "letter_products") {
          terminated = database.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE '%export' AND pid <> pg_backend_pid()");
        }
      },
    }).catch((error: unknown) => error);
    await terminated;
    expect(failure).toMatchObject({ code: "EXPORT_FAILED" });
    expect(leftovers()).toEqual([]);

    const unfit = databaseUrlFor(database.adminUrl, await database.createEmptyDatabase());
    await migrate({ databaseUrl: unfit, env: {} });
    const client = new pg.Client({ connectionString: unfit });
    await client.connect();
    await client.query("ALTER TABLE letter_products DROP COLUMN product_line").finally(() => client.end());
    await expect(exportToDuckDb({ to: target, databaseUrl: unfit, env: {} })).rejects.toMatchObject({
      code: "EXPORT_FAILED",
      message: expect.stringContaining("the database has no column letter_products.product_line"),
    });
    expect(leftovers()).toEqual([]);
  });
});
