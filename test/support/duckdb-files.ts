import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll } from "vitest";
import { sourceSchemaSql } from "../../src/importer/sample-letters-duckdb.ts";

/** A temporary folder for this test file's DuckDB files, removed after the file. */
export function useScratchFolder(): { path(name: string): string } {
  const folder = mkdtempSync(join(tmpdir(), "se-letters-importer-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  return { path: (name) => join(folder, name) };
}

/**
 * Writes a DuckDB file with the pipeline's four tables (JSON columns as `JSON` or `TEXT`), then runs the
 * given SQL statements in it (inserts, schema changes).
 */
export async function createDuckDbFile(path: string, statements: readonly string[], jsonType: "JSON" | "TEXT" = "JSON"): Promise<string> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    await connection.run(sourceSchemaSql(jsonType));
    for (const statement of statements) await connection.run(statement);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return path;
}

/** One letter with the required columns, for tests that only care about other tables or columns. */
export const insertLetter = (id: number, extra = ""): string =>
  `INSERT INTO letters (id, document_name, source_file_path${extra === "" ? "" : `, ${extra.split("=")[0]}`}) VALUES (${id}, 'doc-${id}.pdf', '/letters/${id}.pdf'${extra === "" ? "" : `, ${extra.slice(extra.indexOf("=") + 1)}`})`;
