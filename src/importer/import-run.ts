import { RejectTracker } from "./bad-rows.ts";
import type { DeferredStructure } from "./bulk-load.ts";
import type { TableMapping } from "./column-mapping.ts";
import type { DuckDbSource } from "./duckdb-source.ts";
import { loadSessionSettings, type ImportProgress, type ResolvedImportOptions } from "./import-options.ts";
import type { ImportOutcome, TableSummary } from "./import-summary.ts";
import type { ImportTable } from "./import-tables.ts";
import type { RowProblem } from "./pg-binary-encoder.ts";
import type { RejectsFile } from "./rejects-file.ts";
import type { TargetConnection } from "./target-connection.ts";
import type { SourceTableState, VerificationReport } from "./verify-target.ts";

/**
 * The state of one `importDuckDb` run, handed from phase to phase (import-phases.ts): each phase
 * reads what the earlier ones left and fills in its own part.
 */
export interface ImportRun {
  readonly options: ResolvedImportOptions;
  /** `performance.now()` when the import began. */
  readonly started: number;
  /** Session settings of the load transaction (`SET LOCAL`). */
  readonly settings: Readonly<Record<string, string>>;
  readonly onProgress: (progress: ImportProgress) => void;
  readonly source: DuckDbSource;
  readonly target: TargetConnection;
  /** How each table is copied, in load order (checkSource). */
  mappings: readonly TableMapping[];
  /** Duplicate ids and orphans per table, filled in when the search (startBadRowSearch) has ended. */
  readonly setProblems: Map<ImportTable, Map<number, RowProblem[]>>;
  /** The search for duplicate ids and orphans, on a second DuckDB connection (startBadRowSearch). */
  setProblemsSearch: Promise<Map<ImportTable, Map<number, RowProblem[]>>> | null;
  /** The rejects file, when one was asked for (startBadRowSearch). */
  rejects: RejectsFile | null;
  /** The bad rows of this run: startBadRowSearch gives it the set problems and the rejects file. */
  tracker: RejectTracker;
  /** Keys, indexes and foreign keys dropped for the load and rebuilt after it (prepareTarget). */
  structures: readonly DeferredStructure[];
  /** What the load did to each table (load). */
  readonly tables: TableSummary[];
  /** `performance.now()` when the load ended: the rebuild's time counts from there. */
  loadEnded: number;
  /** Source checksums by table: taken during the load, or by the checksum pass for `checksumLater`. */
  readonly checksums: Map<ImportTable, SourceTableState>;
  /** Tables with JSON columns: their source checksums are left to the checksum pass run during the rebuild. */
  checksumLater: readonly TableMapping[];
  /** The checksum pass of `checksumLater`, started by rebuild. */
  checksumPass: Promise<SourceTableState[]> | null;
  outcome: ImportOutcome;
  /** The comparison before commit, when it ran. */
  verification: VerificationReport | null;
  /** The table being loaded or rebuilt, to name it if PostgreSQL refuses. */
  currentTable: string | undefined;
  /** The structure being rebuilt, for advice if PostgreSQL refuses it. */
  currentStructure: DeferredStructure | undefined;
}

/** A run with its source and target open and nothing done yet. */
export function newImportRun(options: ResolvedImportOptions, started: number, source: DuckDbSource, target: TargetConnection): ImportRun {
  const setProblems = new Map<ImportTable, Map<number, RowProblem[]>>();
  return {
    options,
    started,
    settings: loadSessionSettings(options.maintenanceWorkMem),
    onProgress: options.onProgress ?? (() => undefined),
    source,
    target,
    mappings: [],
    setProblems,
    setProblemsSearch: null,
    rejects: null,
    tracker: new RejectTracker(setProblems, null),
    structures: [],
    tables: [],
    loadEnded: started,
    checksums: new Map(),
    checksumLater: [],
    checksumPass: null,
    outcome: "imported",
    verification: null,
    currentTable: undefined,
    currentStructure: undefined,
  };
}

/** Ends the run's connection, lets its background reads of DuckDB end (or fail), and closes the rejects file. */
export async function closeImportRun(run: ImportRun): Promise<void> {
  await run.target.client.end().catch(() => undefined);
  // The checksum pass and the set-problem search read DuckDB: let them end (or fail) before it closes.
  await Promise.allSettled([run.checksumPass, run.setProblemsSearch]);
  run.rejects?.close();
}
