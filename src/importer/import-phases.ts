import { DatabaseError, ImportSourceError, ImportTargetNotEmptyError } from "../errors.ts";
import { findSetProblems, RejectTracker } from "./bad-rows.ts";
import {
  captureDeferredStructures,
  copyTable,
  dropStructures,
  lockTables,
  nonEmptyTables,
  resetSequences,
  truncateTables,
  validatedReferences,
} from "./bulk-load.ts";
import { mapColumns, readTargetColumns, type TableMapping } from "./column-mapping.ts";
import { openDuckDbSource, type DuckDbSource } from "./duckdb-source.ts";
import { loadFailure } from "./import-failure.ts";
import type { LoadProgress, ResolvedImportOptions } from "./import-options.ts";
import type { ImportRun } from "./import-run.ts";
import type { ImportSummary, TableSummary } from "./import-summary.ts";
import { PARENT_REFERENCES, quoteIdentifier } from "./import-tables.ts";
import { RejectsFile } from "./rejects-file.ts";
import { TableChecksum } from "./row-checksum.ts";
import { checksumSource } from "./source-checksums.ts";
import { verifyAgainstTarget, type SourceTableState } from "./verify-target.ts";

// The phases of an import, in the order importDuckDb runs them.

/** Opens the DuckDB file read-only with the run's memory limit. */
export function openSource(options: ResolvedImportOptions): Promise<DuckDbSource> {
  return openDuckDbSource(options.from, { memoryLimit: options.duckDbMemoryLimit });
}

/**
 * Matches the source's columns with the target's.
 *
 * @throws {ImportSourceError} listing every table or column that does not fit.
 */
export async function checkSource(run: ImportRun): Promise<void> {
  const { mappings, problems } = mapColumns(run.source.tables, await readTargetColumns(run.target.client), run.options.ignoreColumns);
  if (problems.length > 0) throw new ImportSourceError(run.options.from, problems);
  run.mappings = mappings;
}

/**
 * Starts the search for duplicate ids and orphans on a second DuckDB connection (it runs while PostgreSQL
 * is prepared and the first tables load; a table waits for it only if it can have such rows) and opens
 * the rejects file.
 */
export async function startBadRowSearch(run: ImportRun): Promise<void> {
  const connection = await run.source.connect();
  const search = findSetProblems(connection, run.mappings, run.source.uniqueIdTables).finally(() => connection.closeSync());
  search.catch(() => undefined); // handled where it is awaited
  run.setProblemsSearch = search;
  run.rejects = run.options.rejectsFile === undefined ? null : new RejectsFile(run.options.rejectsFile);
  run.tracker = new RejectTracker(run.setProblems, run.rejects);
}

/**
 * Begins the transaction with the load's session settings, locks the four tables, refuses a non-empty
 * target unless `replace`, truncates the tables and drops their keys, indexes and foreign keys.
 *
 * @throws {ImportTargetNotEmptyError} when the target holds rows and `replace` is not set.
 */
export async function prepareTarget(run: ImportRun): Promise<void> {
  const client = run.target.client;
  await client.query("BEGIN");
  for (const [name, value] of Object.entries(run.settings)) await client.query(`SELECT set_config($1, $2, true)`, [name, value]);
  await lockTables(client);
  const occupied = await nonEmptyTables(client);
  if (occupied.length > 0 && !run.options.replace) throw new ImportTargetNotEmptyError(occupied);
  // Also when they are empty: COPY FREEZE needs tables truncated in this transaction (see copyTable).
  await truncateTables(client);
  run.structures = await captureDeferredStructures(client);
  await dropStructures(client, run.structures);
}

/**
 * Streams every table into PostgreSQL, rejecting bad rows. Source checksums are taken during the load,
 * except for tables with JSON columns, whose checksum needs jsonb's canonical form (the load only
 * validates it): those are left to the checksum pass that {@link rebuild} starts.
 */
export async function load(run: ImportRun): Promise<void> {
  const { options, source, tracker } = run;
  run.checksumLater = run.mappings.filter((mapping) => options.verify && mapping.columns.some((column) => column.target === "jsonb"));
  for (const mapping of run.mappings) {
    run.currentTable = mapping.table;
    if (!source.uniqueIdTables.has(mapping.table) || PARENT_REFERENCES[mapping.table].length > 0) await awaitSetProblems(run);
    const totalRows = await countSourceRows(source, mapping.table);
    const checksum = options.verify && !run.checksumLater.includes(mapping) ? new TableChecksum() : null;
    const loaded = await copyTable(run.target.client, source, mapping, tracker.gateFor(mapping), checksum, (progress) =>
      run.onProgress({ phase: "load", totalRows, ...progress }),
    );
    if (checksum !== null) run.checksums.set(mapping.table, { mapping, checksum, rejectedRows: loaded.rejected });
    run.onProgress({ phase: "table-loaded", ...loaded });
    run.tables.push(tableSummary(mapping, loaded));
  }
  run.currentTable = undefined;
  run.loadEnded = performance.now();
}

/** True when bad rows were found and `onError` is `"stop"`: the import goes no further and rolls back. */
export function badRowsStopImport(run: ImportRun): boolean {
  return run.tracker.total > 0 && run.options.onError === "stop";
}

/**
 * Rebuilds the keys, indexes and foreign keys dropped for the load and moves each id sequence past its
 * largest id. The checksum pass of the JSON tables runs meanwhile: JavaScript would only wait then.
 */
export async function rebuild(run: ImportRun): Promise<void> {
  await awaitSetProblems(run);
  startChecksumPass(run);
  for (const [index, structure] of run.structures.entries()) {
    run.currentTable = structure.table;
    run.currentStructure = structure;
    run.onProgress({ phase: "rebuild", name: structure.name, done: index, total: run.structures.length });
    await run.target.client.query(structure.create);
  }
  run.currentTable = undefined;
  run.currentStructure = undefined;
  await resetSequences(run.target.client);
}

/** Compares the source's checksums (waiting for the checksum pass) with what the transaction now holds. */
export async function verify(run: ImportRun): Promise<void> {
  for (const state of (await run.checksumPass) ?? []) run.checksums.set(state.mapping.table, state);
  const sources = run.mappings.map((mapping) => run.checksums.get(mapping.table) as SourceTableState);
  for (const state of sources) run.onProgress({ phase: "verify", table: state.mapping.table });
  run.verification = await verifyAgainstTarget(run.target.client, sources, validatedReferences(run.structures));
  if (!run.verification.ok) run.outcome = "verification-failed";
}

/** Commits when the outcome is `imported`, else rolls back; returns the summary. */
export async function commitOrRollback(run: ImportRun): Promise<ImportSummary> {
  const rebuildSeconds = (performance.now() - run.loadEnded) / 1000 - (run.verification?.seconds ?? 0);
  const committed = run.outcome === "imported";
  await run.target.client.query(committed ? "COMMIT" : "ROLLBACK");
  return Object.freeze({
    outcome: run.outcome,
    committed,
    source: run.options.from,
    target: run.target.target,
    replaced: run.options.replace,
    tables: run.tables,
    rejectedTotal: run.tracker.total,
    rejectedRows: run.tracker.listed,
    rejectsFile: run.options.rejectsFile ?? null,
    verification: run.verification,
    rebuildSeconds,
    totalSeconds: (performance.now() - run.started) / 1000,
    settings: run.settings,
  });
}

/** Rolls back after a failure; returns the error to throw: the package's own as it is, anything else as an ImportFailedError. */
export async function rollbackAfterFailure(run: ImportRun, error: unknown): Promise<unknown> {
  await run.target.client.query("ROLLBACK").catch(() => undefined);
  if (error instanceof DatabaseError) return error;
  return loadFailure(error, run.currentTable, run.target.password, run.currentStructure);
}

/** Starts the checksum pass of the tables the load did not checksum, replaying the load's rejections. */
function startChecksumPass(run: ImportRun): void {
  if (run.checksumLater.length === 0) return;
  const replay = new RejectTracker(run.setProblems, null, run.tracker.rejectedIdsByTable());
  const pass = checksumSource(run.source, run.checksumLater, replay, run.tracker.counts);
  pass.catch(() => undefined); // handled where it is awaited; this keeps an early failure from being "unhandled"
  run.checksumPass = pass;
}

/** Waits for the search for duplicate ids and orphans and files its findings in `run.setProblems`. */
async function awaitSetProblems(run: ImportRun): Promise<void> {
  for (const [table, problems] of (await run.setProblemsSearch) ?? []) run.setProblems.set(table, problems);
}

async function countSourceRows(source: DuckDbSource, table: string): Promise<number> {
  const reader = await source.connection.runAndReadAll(`SELECT count(*)::BIGINT FROM ${quoteIdentifier(table)}`);
  return Number(reader.getRowsJS()[0]?.[0] ?? 0);
}

function tableSummary(mapping: TableMapping, loaded: LoadProgress): TableSummary {
  return {
    table: mapping.table,
    rowsRead: loaded.rowsRead,
    imported: loaded.imported,
    rejected: loaded.rejected,
    seconds: loaded.seconds,
    rowsPerSecond: loaded.seconds > 0 ? Math.round(loaded.rowsRead / loaded.seconds) : 0,
    defaultedColumns: mapping.defaulted,
    ignoredColumns: mapping.ignored,
  };
}
