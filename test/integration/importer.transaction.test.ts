import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { ImportFailedError } from "../../src/errors.ts";
import { importDuckDb } from "../../src/importer/index.ts";
import { createSampleLettersDuckDb } from "../../src/importer/sample-letters-duckdb.ts";
import { useBundledEntry } from "../support/bundle-entry.ts";
import { createDuckDbFile, insertLetter, useScratchFolder } from "../support/duckdb-files.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const scratch = useScratchFolder();
const bundleChild = useBundledEntry("test/support/import-child.ts");
const bundleCli = useBundledEntry("src/cli/main.ts");

const STATE_SQL = `SELECT (SELECT count(*)::int FROM letters) AS letters, (SELECT count(*)::int FROM letter_products) AS products,
  (SELECT coalesce(sum(id), 0)::int FROM processing_debug) AS debug_ids`;

async function state() {
  return database.sql(
    `${STATE_SQL}, (SELECT count(*)::int FROM pg_indexes WHERE tablename IN ('letters','letter_products','letter_product_matches','processing_debug')) AS indexes,
      (SELECT count(*)::int FROM pg_constraint WHERE contype = 'f') AS fks, (SELECT last_value::int FROM letters_id_seq) AS seq,
      (SELECT md5(string_agg(l::text, ',' ORDER BY id)) FROM letters l) AS letters_md5`,
  );
}

describe("importDuckDb in one transaction", () => {
  it("--replace while a reader queries: the reader sees the old data or the new, never a mixture", async () => {
    const oldFile = scratch.path("old.duckdb");
    const newFile = scratch.path("new.duckdb");
    await createSampleLettersDuckDb(oldFile, { letters: 200, productsPerLetter: 5, debugStepsPerLetter: 4 });
    await createSampleLettersDuckDb(newFile, { letters: 3000, productsPerLetter: 2, debugStepsPerLetter: 1 });
    await database.sql("TRUNCATE letters, letter_products, letter_product_matches, processing_debug");
    await importDuckDb({ from: oldFile, databaseUrl: database.url, env: {} });
    const oldState = { letters: 200, products: 1000, debug_ids: (800 * 801) / 2 };
    const newState = { letters: 3000, products: 6000, debug_ids: (3000 * 3001) / 2 };

    const reader = new pg.Client({ connectionString: database.url });
    await reader.connect();
    const seen: unknown[] = [];
    let done = false;
    const reading = (async () => {
      while (!done) seen.push((await reader.query(STATE_SQL)).rows[0]);
      seen.push((await reader.query(STATE_SQL)).rows[0]);
    })();
    try {
      while (seen.length < 3) await new Promise((r) => setTimeout(r, 5));
      const summary = await importDuckDb({ from: newFile, databaseUrl: database.url, env: {}, replace: true });
      expect(summary.outcome).toBe("imported");
    } finally {
      done = true;
      await reading;
      await reader.end();
    }
    for (const observation of seen) expect([oldState, newState]).toContainEqual(observation);
    expect(seen[0]).toEqual(oldState);
    expect(seen.at(-1)).toEqual(newState);
  });

  it("a killed import (SIGKILL during COPY) leaves the target exactly as it was", async () => {
    const oldFile = scratch.path("kill-old.duckdb");
    const bigFile = scratch.path("kill-big.duckdb");
    await createSampleLettersDuckDb(oldFile, { letters: 100, productsPerLetter: 2, debugStepsPerLetter: 1 });
    await createSampleLettersDuckDb(bigFile, { letters: 20_000, productsPerLetter: 5, debugStepsPerLetter: 1 });
    await database.sql("TRUNCATE letters, letter_products, letter_product_matches, processing_debug");
    await importDuckDb({ from: oldFile, databaseUrl: database.url, env: {} });
    await database.sql("SELECT nextval('letters_id_seq')");
    const before = await state();

    const child = spawn(process.execPath, [await bundleChild(), JSON.stringify({ from: bigFile, databaseUrl: database.url })], { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (data: Buffer) => (output += data.toString()));
    while (!output.includes("paused") && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    expect(output).toBe("paused\n");
    const copying = await database.sql("SELECT relid::regclass::text AS table_name FROM pg_stat_progress_copy WHERE datname = current_database()");
    expect(copying).toEqual([{ table_name: "letter_products" }]);
    child.kill("SIGKILL");
    await once(child, "exit");
    for (let attempt = 0; attempt < 100; attempt++) {
      const busy = await database.sql("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE '%import'");
      if (busy[0]?.n === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await state()).toEqual(before);
  });

  it("a failure while rebuilding, with the source checksums being computed alongside, rolls back and changes nothing", async () => {
    const file = scratch.path("rebuild-fails.duckdb");
    await createSampleLettersDuckDb(file, { letters: 3000, productsPerLetter: 3, debugStepsPerLetter: 2 });
    await database.sql("TRUNCATE letters, letter_products, letter_product_matches, processing_debug");
    // The target's own rule the source breaks: one letter per status. The rebuild's CREATE UNIQUE INDEX fails.
    await database.sql("CREATE UNIQUE INDEX letters_one_per_status ON letters (status)");
    try {
      const before = await state();
      const failure = await importDuckDb({ from: file, databaseUrl: database.url, env: {} }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ImportFailedError);
      expect((failure as ImportFailedError).sqlState).toBe("23505");
      expect((failure as Error).message).toMatch(/Nothing was changed: the transaction was rolled back/);
      expect((failure as Error).message).toMatch(/The data breaks letters_one_per_status \(CREATE UNIQUE INDEX letters_one_per_status ON public\.letters USING btree \(status\)\)/);
      expect(await state()).toEqual(before);
    } finally {
      await database.sql("DROP INDEX letters_one_per_status");
    }
  });

  it("a value too large for a btree index: rolled back, and the error names the index and how to find the value", async () => {
    // 9,600 random hexadecimal characters: pglz cannot bring them under btree's 2,704-byte entry limit.
    const file = await createDuckDbFile(scratch.path("too-large.duckdb"), [
      insertLetter(1),
      "INSERT INTO letters (id, document_name, source_file_path) SELECT 2, string_agg(md5(random()::VARCHAR), ''), '/b.pdf' FROM range(300)",
    ]);
    await database.sql("TRUNCATE letters, letter_products, letter_product_matches, processing_debug");
    const before = await state();
    const failure = await importDuckDb({ from: file, databaseUrl: database.url, env: {} }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ImportFailedError);
    expect((failure as ImportFailedError).sqlState).toBe("54000");
    expect((failure as Error).message).toMatch(/A value is too large for idx_letters_\w+ \(CREATE INDEX/);
    expect((failure as Error).message).toMatch(/SELECT id, strlen\(\w+\) AS bytes FROM letters ORDER BY bytes DESC LIMIT 10/);
    expect(await state()).toEqual(before);
  });

  it("with --embedded, starts, migrates and stops an embedded PostgreSQL and says so; with no target at all it refuses (exit 2)", async () => {
    const folder = mkdtempSync(join(tmpdir(), "se-letters-embedded-"));
    chmodSync(folder, 0o755); // initdb runs as the postgres user when the tests run as root
    try {
      const file = join(folder, "sample.duckdb");
      await createSampleLettersDuckDb(file, { letters: 50 });
      const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "DATABASE_URL" && !name.startsWith("DB_")));
      const refused = spawnSync(process.execPath, [await bundleCli(), "import", "--from", file], { cwd: folder, env, encoding: "utf8" });
      expect(refused.status).toBe(2);
      expect(refused.stderr.trim()).toBe(
        "import needs a target database: --database-url URL, DATABASE_URL or the DB_* variables, or --embedded for a rehearsal on an embedded PostgreSQL (see se-letters-db import --help)",
      );
      expect(existsSync(join(folder, ".se-letters-db")), "nothing was started").toBe(false);
      const child = spawn(process.execPath, [await bundleCli(), "import", "--from", file, "--embedded"], { cwd: folder, env, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (data: Buffer) => (output += data.toString()));
      child.stderr.on("data", (data: Buffer) => (output += data.toString()));
      const [code] = (await once(child, "exit")) as [number];
      expect(output).toContain("--embedded: starting an embedded PostgreSQL");
      expect(output).toContain("Imported and committed.");
      expect(output).toContain("Embedded PostgreSQL stopped.");
      expect(code).toBe(0);
      const secret = readFileSync(join(folder, ".se-letters-db", "postgres.secret"), "utf8").trim();
      expect(output).not.toContain(secret);
      expect(existsSync(join(folder, ".se-letters-db", "postgres", "PG_VERSION"))).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
