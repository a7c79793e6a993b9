import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { importDuckDb } from "../../src/importer/index.ts";
import { createDuckDbFile, insertLetter, useScratchFolder } from "../support/duckdb-files.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const scratch = useScratchFolder();

async function letterCount(): Promise<number> {
  return ((await database.sql<{ n: number }>("SELECT count(*)::int AS n FROM letters"))[0] as { n: number }).n;
}

async function expectSourceError(from: string, problem: RegExp, extra: { ignoreColumns?: string[] } = {}) {
  const error = await importDuckDb({ from, databaseUrl: database.url, env: {}, ...extra }).catch((caught: unknown) => caught);
  expect(error).toMatchObject({ code: "IMPORT_SOURCE_INVALID", message: expect.stringMatching(problem) });
  expect(await letterCount()).toBe(0);
}

describe("importDuckDb source shape", () => {
  it("stops on a source column with no place in the target, naming it, and imports it dropped with ignoreColumns", async () => {
    const file = await createDuckDbFile(scratch.path("extra.duckdb"), ["ALTER TABLE letters ADD COLUMN legacy_flag BOOLEAN", insertLetter(1)]);
    await expectSourceError(file, /source column letters\.legacy_flag \(BOOLEAN\) has no place in the target; drop it on purpose with --ignore-column letters\.legacy_flag/);
    const summary = await importDuckDb({ from: file, databaseUrl: database.url, env: {}, ignoreColumns: ["letters.legacy_flag"] });
    expect(summary.outcome).toBe("imported");
    expect(summary.tables[0]?.ignoredColumns).toEqual(["legacy_flag"]);
    expect(await letterCount()).toBe(1);
    await database.sql("DELETE FROM letters");
  });

  it("writes a rejected row's ignored columns to the rejects file too, as DuckDB's text of their values", async () => {
    const file = await createDuckDbFile(scratch.path("ignored-rejects.duckdb"), [
      "ALTER TABLE letters ADD COLUMN legacy_flag BOOLEAN",
      "ALTER TABLE letters ADD COLUMN legacy_tags VARCHAR[]",
      "INSERT INTO letters (id, document_name, source_file_path, legacy_flag, legacy_tags) VALUES (1, 'good.pdf', '/a.pdf', true, ['a'])",
      "INSERT INTO letters (id, document_name, source_file_path, legacy_flag, legacy_tags) VALUES (2, 'bad' || chr(0) || 'name.pdf', '/b.pdf', false, ['x', 'y'])",
    ]);
    const rejectsFile = scratch.path("ignored-rejects.jsonl");
    const summary = await importDuckDb({
      from: file,
      databaseUrl: database.url,
      env: {},
      onError: "skip",
      rejectsFile,
      ignoreColumns: ["letters.legacy_flag", "letters.legacy_tags"],
    });
    expect(summary.outcome).toBe("imported");
    const [line, ...others] = readFileSync(rejectsFile, "utf8").trim().split("\n").map((text) => JSON.parse(text));
    expect(others).toEqual([]);
    expect(line.id).toBe(2);
    expect(line.row).toMatchObject({ id: 2, document_name: "bad\u0000name.pdf", legacy_flag: "false", legacy_tags: "[x, y]" });
    const [row] = await database.sql<{ document_name: string }>("SELECT document_name FROM letters");
    expect(row?.document_name).toBe("good.pdf");
    await database.sql("DELETE FROM letters");
  });

  it("gives target columns missing from the source their default", async () => {
    const file = await createDuckDbFile(scratch.path("missing-column.duckdb"), [
      "ALTER TABLE letters DROP COLUMN processing_method",
      "ALTER TABLE letters DROP COLUMN created_at",
      insertLetter(1),
    ]);
    const summary = await importDuckDb({ from: file, databaseUrl: database.url, env: {} });
    expect(summary.outcome).toBe("imported");
    expect(summary.tables[0]?.defaultedColumns).toEqual(["processing_method", "created_at"]);
    const rows = await database.sql("SELECT processing_method, created_at IS NOT NULL AS has_created_at FROM letters");
    expect(rows).toEqual([{ processing_method: "production_pipeline", has_created_at: true }]);
    await database.sql("DELETE FROM letters");
  });

  it("refuses a missing table, a missing required column and a type that cannot be copied exactly, listing each", async () => {
    const file = await createDuckDbFile(scratch.path("missing-table.duckdb"), [
      "DROP TABLE processing_debug",
      "ALTER TABLE letter_products ALTER COLUMN confidence_score TYPE DOUBLE",
      "ALTER TABLE letter_product_matches DROP COLUMN ibcatalogue_product_identifier",
      insertLetter(1),
    ]);
    await expectSourceError(file, /the source has no table processing_debug/);
    await expectSourceError(file, /letter_products\.confidence_score is DOUBLE, which cannot be copied exactly into float4/);
    await expectSourceError(file, /letter_product_matches lacks ibcatalogue_product_identifier, which the target requires/);
  });

  it("refuses a file that does not exist or is not DuckDB", async () => {
    await expectSourceError(scratch.path("nowhere.duckdb"), /the file does not exist/);
    const notDuck = scratch.path("not-duck.duckdb");
    writeFileSync(notDuck, "id,name\n1,letter\n".repeat(1000));
    await expectSourceError(notDuck, /it is not a DuckDB database file/);
  });

  it("refuses a file another process holds open for writing", async () => {
    const file = await createDuckDbFile(scratch.path("locked.duckdb"), [insertLetter(1)]);
    const holder = spawn(
      process.execPath,
      ["--input-type=module", "-e", `import { DuckDBInstance } from "@duckdb/node-api"; const i = await DuckDBInstance.create(${JSON.stringify(file)}); await i.connect(); console.log("open"); setInterval(() => {}, 1000);`],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await new Promise<void>((ready) => holder.stdout.on("data", (data: Buffer) => data.toString().includes("open") && ready()));
      await expectSourceError(file, /locked by another process/);
    } finally {
      holder.kill("SIGKILL");
    }
  });
});
