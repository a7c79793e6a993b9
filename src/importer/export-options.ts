import type { DatabaseOptions } from "../config/database-config.ts";
import { ValidationError } from "../errors.ts";
import type { ImportProgress } from "./import-options.ts";

/** What the export is doing: the same events as the import's load and verification, so one display serves both. */
export type ExportProgress = Extract<ImportProgress, { phase: "load" | "table-loaded" | "verify" }>;

/** Options of {@link exportToDuckDb}. */
export interface ExportOptions extends DatabaseOptions {
  /** The DuckDB file to write; it must not exist unless `force` is set. Required. */
  to: string;
  /** Replace an existing file (and its stale write-ahead log) once the new one is written and verified. Defaults to `false`. */
  force?: boolean;
  /** Rows appended to DuckDB between two flushes: memory is bounded by one batch, not by a table. Defaults to `50000`. */
  batchRows?: number;
  /** DuckDB `memory_limit` while writing. Defaults to `"256MB"`. */
  duckDbMemoryLimit?: string;
  /** Called as the export progresses; keep it quick. Defaults to none. */
  onProgress?: (progress: ExportProgress) => void;
}

/** Every default of the export in one place. */
export const EXPORT_DEFAULTS = Object.freeze({
  force: false,
  batchRows: 50_000,
  duckDbMemoryLimit: "256MB",
});

/** {@link ExportOptions} with every default of {@link EXPORT_DEFAULTS} applied. */
export type ResolvedExportOptions = Readonly<ExportOptions & Required<Pick<ExportOptions, keyof typeof EXPORT_DEFAULTS>>>;

/**
 * Spreads `input` over {@link EXPORT_DEFAULTS} and checks it.
 *
 * @throws {ValidationError} when `to` is empty or `batchRows` is not a whole number from 1 to 10,000,000.
 */
export function resolveExportOptions(input: ExportOptions): ResolvedExportOptions {
  const options = { ...EXPORT_DEFAULTS, ...input };
  const issues: { path: string; message: string }[] = [];
  if (typeof options.to !== "string" || options.to.trim() === "") issues.push({ path: "to", message: "the DuckDB file to write is required" });
  if (!Number.isInteger(options.batchRows) || options.batchRows < 1 || options.batchRows > 10_000_000) {
    issues.push({ path: "batchRows", message: "must be a whole number from 1 to 10000000" });
  }
  if (issues.length > 0) throw new ValidationError(issues, "export options");
  return Object.freeze(options);
}
