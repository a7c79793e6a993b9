import { DatabaseError, ImportFailedError, ImportSourceError, ImportTargetNotEmptyError } from "../errors.ts";
import { safeErrorReason } from "../connection/safe-error-reason.ts";
import { findSetProblems, RejectTracker } from "./bad-rows.ts";
import {
  captureDeferredStructures,
  copyTable,
  type DeferredStructure,
  validatedReferences,
  dropStructures,
  lockTables,
  nonEmptyTables,
  resetSequences,
  truncateTables,
} from "./bulk-load.ts";
import { mapColumns, readTargetColumns } from "./column-mapping.ts";
import { openDuckDbSource, type DuckDbSource } from "./duckdb-source.ts";
import { PARENT_REFERENCES, quoteIdentifier, type ImportTable } from "./import-tables.ts";
import { IMPORT_DEFAULTS, loadSessionSettings, type ImportOptions } from "./import-options.ts";
import type { ImportOutcome, ImportSummary, TableSummary } from "./import-summary.ts";
import type { RowProblem } from "./pg-binary-encoder.ts";
import { RejectsFile } from "./rejects-file.ts";
import { TableChecksum } from "./row-checksum.ts";
import { checksumSource } from "./source-checksums.ts";
import { connectTarget } from "./target-connection.ts";
import { verifyAgainstTarget, type SourceTableState, type VerificationReport } from "./verify-target.ts";

/**
 * Copies the four SE Letters tables from a DuckDB file into PostgreSQL in one transaction: checks the
 * source's columns against the target, finds bad rows, locks the tables, optionally empties them, drops
 * keys, indexes and foreign keys, streams every table with binary COPY, rebuilds what it dropped, moves the
 * id sequences past the largest id, and compares both sides before committing. A failure, a kill or a
 * crash at any point leaves the target as it was.
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
  const options = { ...IMPORT_DEFAULTS, ...input };
  const started = performance.now();
  if (options.onError === "skip" && options.rejectsFile === undefined) {
    throw new ImportSourceError(options.from, ['onError "skip" needs a rejects file (--rejects FILE): no row is dropped without being listed']);
  }
  const onProgress = options.onProgress ?? (() => undefined);
  const settings = loadSessionSettings(options.maintenanceWorkMem);
  const source = await openDuckDbSource(options.from, { memoryLimit: options.duckDbMemoryLimit });
  let rejects: RejectsFile | null = null;
  let checksumPass: Promise<SourceTableState[]> | null = null;
  let setProblemsSearch: Promise<Map<ImportTable, Map<number, RowProblem[]>>> | null = null;
  try {
    const { client, target, password } = await connectTarget(options);
    let currentTable: string | undefined;
    let currentStructure: DeferredStructure | undefined;
    try {
      const { mappings, problems } = mapColumns(source.tables, await readTargetColumns(client), options.ignoreColumns);
      if (problems.length > 0) throw new ImportSourceError(options.from, problems);
      // Duplicate ids and orphans are looked for on a second DuckDB connection while PostgreSQL is prepared
      // and the first tables load; a table's gate waits for them only if the table can have such rows.
      const setProblems = new Map<ImportTable, Map<number, RowProblem[]>>();
      const setProblemsConnection = await source.connect();
      const search = findSetProblems(setProblemsConnection, mappings, source.uniqueIdTables).finally(() => setProblemsConnection.closeSync());
      search.catch(() => undefined); // handled where it is awaited
      setProblemsSearch = search;
      const awaitSetProblems = async () => {
        for (const [table, problems] of await search) setProblems.set(table, problems);
      };
      rejects = options.rejectsFile === undefined ? null : new RejectsFile(options.rejectsFile);
      const tracker = new RejectTracker(setProblems, rejects);

      await client.query("BEGIN");
      for (const [name, value] of Object.entries(settings)) await client.query(`SELECT set_config($1, $2, true)`, [name, value]);
      await lockTables(client);
      const occupied = await nonEmptyTables(client);
      if (occupied.length > 0 && !options.replace) throw new ImportTargetNotEmptyError(occupied);
      // Also when they are empty: COPY FREEZE needs tables truncated in this transaction (see copyTable).
      await truncateTables(client);
      const structures = await captureDeferredStructures(client);
      await dropStructures(client, structures);

      const tables: TableSummary[] = [];
      // Source checksums: computed during the load, except for tables with JSON columns, whose checksum needs
      // jsonb's canonical form (the load only validates it): those get a second pass (checksumSource)
      // while PostgreSQL rebuilds the indexes.
      const checksummed = new Map<string, SourceTableState>();
      const deferred = mappings.filter((mapping) => options.verify && mapping.columns.some((column) => column.target === "jsonb"));
      for (const mapping of mappings) {
        currentTable = mapping.table;
        if (!source.uniqueIdTables.has(mapping.table) || PARENT_REFERENCES[mapping.table].length > 0) await awaitSetProblems();
        const totalRows = await countSourceRows(source, mapping.table);
        const checksum = options.verify && !deferred.includes(mapping) ? new TableChecksum() : null;
        const loaded = await copyTable(client, source, mapping, tracker.gateFor(mapping), checksum, (progress) =>
          onProgress({ phase: "load", totalRows, ...progress }),
        );
        if (checksum !== null) checksummed.set(mapping.table, { mapping, checksum, rejectedRows: loaded.rejected });
        onProgress({ phase: "table-loaded", ...loaded });
        tables.push({
          table: mapping.table,
          rowsRead: loaded.rowsRead,
          imported: loaded.imported,
          rejected: loaded.rejected,
          seconds: loaded.seconds,
          rowsPerSecond: loaded.seconds > 0 ? Math.round(loaded.rowsRead / loaded.seconds) : 0,
          defaultedColumns: mapping.defaulted,
          ignoredColumns: mapping.ignored,
        });
      }
      currentTable = undefined;

      let outcome: ImportOutcome = "imported";
      let verification: VerificationReport | null = null;
      const rebuildStarted = performance.now();
      if (tracker.total > 0 && options.onError === "stop") {
        outcome = "bad-rows";
      } else {
        // The JSON tables' checksums are computed while PostgreSQL rebuilds: JavaScript waits then anyway.
        await awaitSetProblems();
        if (deferred.length > 0) {
          const replay = new RejectTracker(setProblems, null, tracker.rejectedIdsByTable());
          checksumPass = checksumSource(source, deferred, replay, tracker.counts);
          checksumPass.catch(() => undefined); // handled where it is awaited; this keeps an early failure from being "unhandled"
        }
        for (const [index, structure] of structures.entries()) {
          currentTable = structure.table;
          currentStructure = structure;
          onProgress({ phase: "rebuild", name: structure.name, done: index, total: structures.length });
          await client.query(structure.create);
        }
        currentTable = undefined;
        currentStructure = undefined;
        await resetSequences(client);
        if (options.verify) {
          for (const state of (await checksumPass) ?? []) checksummed.set(state.mapping.table, state);
          const sources = mappings.map((mapping) => checksummed.get(mapping.table) as SourceTableState);
          for (const state of sources) onProgress({ phase: "verify", table: state.mapping.table });
          verification = await verifyAgainstTarget(client, sources, validatedReferences(structures));
          if (!verification.ok) outcome = "verification-failed";
        }
        if (outcome === "imported" && options.dryRun) outcome = "dry-run";
      }
      const rebuildSeconds = (performance.now() - rebuildStarted) / 1000 - (verification?.seconds ?? 0);
      const committed = outcome === "imported";
      await client.query(committed ? "COMMIT" : "ROLLBACK");
      return Object.freeze({
        outcome,
        committed,
        source: options.from,
        target,
        replaced: options.replace,
        tables,
        rejectedTotal: tracker.total,
        rejectedRows: tracker.listed,
        rejectsFile: options.rejectsFile ?? null,
        verification,
        rebuildSeconds,
        totalSeconds: (performance.now() - started) / 1000,
        settings,
      });
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      if (error instanceof DatabaseError) throw error;
      throw loadFailure(error, currentTable, password, currentStructure);
    } finally {
      await client.end().catch(() => undefined);
    }
  } finally {
    // The checksum pass and the set-problem search read DuckDB: let them end (or fail) before it closes.
    await Promise.allSettled([checksumPass, setProblemsSearch]);
    rejects?.close();
    source.close();
  }
}

function loadFailure(error: unknown, table: string | undefined, password: string | undefined, structure?: DeferredStructure): ImportFailedError {
  const pgError = error as { code?: unknown; where?: unknown; detail?: unknown };
  const sqlState = typeof pgError.code === "string" && /^[0-9A-Z]{5}$/.test(pgError.code) ? pgError.code : undefined;
  const where = typeof pgError.where === "string" ? ` (${pgError.where.split("\n")[0]})` : "";
  const reason = safeErrorReason(error, password);
  return new ImportFailedError(
    `Import failed${table === undefined ? "" : ` in ${table}`}: ${reason}${where}${sqlState === undefined ? "" : ` [SQLSTATE ${sqlState}]`}. Nothing was changed: the transaction was rolled back.${whatToDo(sqlState, structure)}`,
    table,
    sqlState,
    { cause: error },
  );
}

/** Advice for failures of the rebuild that come from the data, not from the server. */
function whatToDo(sqlState: string | undefined, structure: DeferredStructure | undefined): string {
  if (structure === undefined) return "";
  if (sqlState === "54000") {
    const columns = /\(([^()]*)\)\s*$/.exec(structure.create.replace(/ WHERE .*$/, ""))?.[1] ?? "the indexed column";
    return (
      ` A value is too large for ${structure.name} (${structure.create}): a btree entry holds at most 2,704 bytes after` +
      ` compression. Find the longest values in the DuckDB file, e.g. SELECT id, strlen(${columns.split(",")[0]?.trim()}) AS bytes FROM ${structure.table} ORDER BY bytes DESC LIMIT 10,` +
      " then shorten them or remove those rows and import again."
    );
  }
  if (sqlState === "23505") return ` The data breaks ${structure.name} (${structure.create}): remove the duplicates from the DuckDB file, or that constraint from the target.`;
  return "";
}

async function countSourceRows(source: DuckDbSource, table: string): Promise<number> {
  const reader = await source.connection.runAndReadAll(`SELECT count(*)::BIGINT FROM ${quoteIdentifier(table)}`);
  return Number(reader.getRowsJS()[0]?.[0] ?? 0);
}
