import { resolveImportOptions, type ImportOptions } from "./import-options.ts";
import {
  badRowsStopImport,
  checkSource,
  commitOrRollback,
  load,
  openSource,
  prepareTarget,
  rebuild,
  rollbackAfterFailure,
  startBadRowSearch,
  verify,
} from "./import-phases.ts";
import { closeImportRun, newImportRun, type ImportRun } from "./import-run.ts";
import type { ImportSummary } from "./import-summary.ts";
import { connectTarget } from "./target-connection.ts";

/**
 * Copies the four SE Letters tables from a DuckDB file into PostgreSQL in one transaction: checks the
 * source's columns against the target, finds bad rows, locks the tables, optionally empties them, drops
 * keys, indexes and foreign keys, streams every table with binary COPY, rebuilds what it dropped, moves the
 * id sequences past the largest id, and compares both sides before committing. A failure, a kill or a
 * crash at any point leaves the target as it was.
 *
 * The phases (import-phases.ts) share one {@link ImportRun} state: openSource, checkSource,
 * startBadRowSearch, prepareTarget, load, then, unless bad rows stop it, rebuild (the checksum pass of the
 * JSON tables runs meanwhile) and verify; then commitOrRollback, or rollbackAfterFailure.
 *
 * Returns a summary whatever the outcome of the rows (imported, bad rows, verification failed, dry run);
 * throws only when the import could not be attempted or PostgreSQL refused it (then nothing changed).
 *
 * @throws {ImportSourceError} when the file is missing, not DuckDB, locked, lacks a table, or has a column the target has no place for.
 * @throws {ImportTargetNotEmptyError} when the target holds rows and `replace` is not set.
 * @throws {ImportFailedError} when PostgreSQL refused the load (rolled back).
 * @throws {ConfigurationError} when the database configuration is invalid.
 * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached.
 * @example
 * const summary = await importDuckDb({ from: "data/letters.duckdb", databaseUrl: process.env.DATABASE_URL });
 * if (summary.outcome !== "imported") console.error(summary.verification?.differences, summary.rejectedRows);
 */
export async function importDuckDb(input: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const options = resolveImportOptions(input);
  const source = await openSource(options);
  try {
    const run = newImportRun(options, started, source, await connectTarget(options, "import"));
    try {
      await checkSource(run);
      await startBadRowSearch(run);
      await prepareTarget(run);
      await load(run);
      if (badRowsStopImport(run)) {
        run.outcome = "bad-rows";
      } else {
        await rebuild(run);
        if (options.verify) await verify(run);
        if (run.outcome === "imported" && options.dryRun) run.outcome = "dry-run";
      }
      return await commitOrRollback(run);
    } catch (error) {
      throw await rollbackAfterFailure(run, error);
    } finally {
      await closeImportRun(run);
    }
  } finally {
    source.close();
  }
}
