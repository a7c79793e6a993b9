import type { DatabaseOptions } from "../config/database-config.ts";
import { ImportSourceError } from "../errors.ts";
import { findSetProblems, RejectTracker } from "./bad-rows.ts";
import { mapColumns, readTargetColumns } from "./column-mapping.ts";
import { openDuckDbSource } from "./duckdb-source.ts";
import { IMPORT_DEFAULTS } from "./import-options.ts";
import { readRejectedIds } from "./rejects-file.ts";
import { checksumSource } from "./source-checksums.ts";
import { connectTarget } from "./target-connection.ts";
import { verifyAgainstTarget, type VerificationReport } from "./verify-target.ts";

/** Options of {@link verifyImport}. */
export interface VerifyOptions extends DatabaseOptions {
  /** The DuckDB file imported earlier. Required. */
  from: string;
  /** The rejects file of that import: its rows are expected to be absent. Defaults to none. */
  rejectsFile?: string;
  /** Source columns left out on import (`table.column`). Defaults to none (`IMPORT_DEFAULTS.ignoreColumns`). */
  ignoreColumns?: readonly string[];
  /** DuckDB `memory_limit`. Defaults to the import's, `IMPORT_DEFAULTS.duckDbMemoryLimit`. */
  duckDbMemoryLimit?: string;
}

/** The result of {@link verifyImport}. */
export interface VerifyImportResult extends VerificationReport {
  readonly source: string;
  readonly target: string;
}

/**
 * Compares a DuckDB file with PostgreSQL, per table: row count and an order-independent checksum of every
 * copied column of every row, plus foreign-key orphans. Reads PostgreSQL in one read-only snapshot.
 * Source rows PostgreSQL cannot hold count as differences unless the rejects file lists them.
 *
 * @throws {ImportSourceError} when the file cannot be read or does not fit the target's tables.
 * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached.
 */
export async function verifyImport(options: VerifyOptions): Promise<VerifyImportResult> {
  const source = await openDuckDbSource(options.from, { memoryLimit: options.duckDbMemoryLimit ?? IMPORT_DEFAULTS.duckDbMemoryLimit });
  try {
    const { client, target } = await connectTarget(options, "verify");
    try {
      const { mappings, problems } = mapColumns(source.tables, await readTargetColumns(client), options.ignoreColumns ?? IMPORT_DEFAULTS.ignoreColumns);
      if (problems.length > 0) throw new ImportSourceError(options.from, problems);
      const listed = options.rejectsFile === undefined ? new Map() : readRejectedIds(options.rejectsFile);
      const tracker = new RejectTracker(await findSetProblems(source.connection, mappings, source.uniqueIdTables), null, listed);
      const sources = await checksumSource(source, mappings, tracker);
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      const report = await verifyAgainstTarget(client, sources);
      await client.query("COMMIT");
      const unlisted = tracker.listed.map(
        (row) => `${row.table} id ${row.id ?? "NULL"} cannot be held by PostgreSQL (${row.problems.map((p) => `${p.column}: ${p.reason}`).join("; ")}) and no rejects file lists it`,
      );
      const differences = [...unlisted.slice(0, 100), ...report.differences];
      return { ...report, ok: differences.length === 0, differences, source: options.from, target };
    } finally {
      await client.end().catch(() => undefined);
    }
  } finally {
    source.close();
  }
}
