import type { DatabaseOptions } from "../config/database-config.ts";
import { ImportSourceError } from "../errors.ts";

/** Rows per second, counted as the load goes. */
export interface LoadProgress {
  readonly table: string;
  readonly rowsRead: number;
  readonly imported: number;
  readonly rejected: number;
  readonly seconds: number;
}

/** What the importer is doing, for progress displays. */
export type ImportProgress =
  | ({ readonly phase: "load"; readonly totalRows: number } & LoadProgress)
  | { readonly phase: "table-loaded"; readonly table: string; readonly rowsRead: number; readonly imported: number; readonly rejected: number; readonly seconds: number }
  | { readonly phase: "rebuild"; readonly name: string; readonly done: number; readonly total: number }
  | { readonly phase: "verify"; readonly table: string };

/** Options of {@link importDuckDb}. */
export interface ImportOptions extends DatabaseOptions {
  /** The DuckDB file to read (opened read-only). Required. */
  from: string;
  /** Empty the target tables and reload them in the same transaction. Defaults to `false` (a non-empty target is refused). */
  replace?: boolean;
  /**
   * What bad rows do: `"stop"` imports nothing and reports every bad row; `"skip"` imports all other rows and
   * writes each rejected row (with its children) to `rejectsFile`. Defaults to `"stop"`.
   */
  onError?: "stop" | "skip";
  /** JSON Lines file for rejected rows; required with `onError: "skip"`, optional with `"stop"`. Defaults to none. */
  rejectsFile?: string;
  /** Source columns (`table.column`) to leave out on purpose. Defaults to none. */
  ignoreColumns?: readonly string[];
  /** Read, check, load and verify everything, then roll back. Defaults to `false`. */
  dryRun?: boolean;
  /** Compare DuckDB and PostgreSQL before committing. Defaults to `true`. */
  verify?: boolean;
  /** DuckDB `memory_limit` while reading. Defaults to `"128MB"`. */
  duckDbMemoryLimit?: string;
  /** `maintenance_work_mem` for the index rebuild (set for the transaction only). Defaults to `"256MB"`. */
  maintenanceWorkMem?: string;
  /** Called as the import progresses; keep it quick. Defaults to none. */
  onProgress?: (progress: ImportProgress) => void;
}

/** Every default of the importer in one place. */
export const IMPORT_DEFAULTS = Object.freeze({
  replace: false,
  onError: "stop" as "stop" | "skip",
  ignoreColumns: Object.freeze([]) as readonly string[],
  dryRun: false,
  verify: true,
  duckDbMemoryLimit: "128MB",
  maintenanceWorkMem: "256MB",
});

/** {@link ImportOptions} with every default of {@link IMPORT_DEFAULTS} applied. */
export type ResolvedImportOptions = Readonly<ImportOptions & Required<Pick<ImportOptions, keyof typeof IMPORT_DEFAULTS>>>;

/**
 * Spreads `input` over {@link IMPORT_DEFAULTS} and checks the rule between options.
 *
 * @throws {ImportSourceError} when `onError` is `"skip"` without a `rejectsFile`.
 */
export function resolveImportOptions(input: ImportOptions): ResolvedImportOptions {
  const options = { ...IMPORT_DEFAULTS, ...input };
  if (options.onError === "skip" && options.rejectsFile === undefined) {
    throw new ImportSourceError(options.from, ['onError "skip" needs a rejects file (--rejects FILE): no row is dropped without being listed']);
  }
  return options;
}

/** Session settings of the load transaction (`SET LOCAL`): the benchmark's baseline uses the same. */
export function loadSessionSettings(maintenanceWorkMem: string): Record<string, string> {
  return { maintenance_work_mem: maintenanceWorkMem, statement_timeout: "0", idle_in_transaction_session_timeout: "0" };
}
