/**
 * `@se-letters/db/importer`: the DuckDB → PostgreSQL importer, and the export back to the pipeline's DuckDB shape. Needs the optional peer `@duckdb/node-api`
 * of the line in {@link SUPPORTED_DUCKDB}, loaded at first use: importing this entry without it works, and
 * the first import, verify or sample file fails with an {@link ImportSourceError} naming the package and the
 * supported versions. The package's main entry never loads it.
 */
export { importDuckDb } from "./import-duckdb.ts";
export { verifyImport, type VerifyImportResult, type VerifyOptions } from "./verify-import.ts";
export { IMPORT_DEFAULTS, type ImportOptions, type ImportProgress } from "./import-options.ts";
export type { ImportOutcome, ImportSummary, TableSummary } from "./import-summary.ts";
export type { RejectedRow } from "./bad-rows.ts";
export type { RowProblem } from "./pg-binary-encoder.ts";
export type { RejectsFileLine } from "./rejects-file.ts";
export type { SourceValue } from "./source-values.ts";
export type { OrphanCount, TableVerification, VerificationReport } from "./verify-target.ts";
export { IMPORT_TABLES, type ImportTable } from "./import-tables.ts";
export { SUPPORTED_DUCKDB } from "./duckdb-module.ts";
export { createSampleLettersDuckDb, sourceSchemaSql, type SampleLettersOptions } from "./sample-letters-duckdb.ts";
export { exportToDuckDb } from "./export-duckdb.ts";
export { compareDuckDbFiles, MAX_LISTED_DIFFERENCES, type FileComparison, type TableComparison } from "./compare-duckdb-files.ts";
export {
  rehearseCutOver,
  type RehearsalOptions,
  type RehearsalReport,
  type RehearsalStep,
  type RehearsalStepName,
  type RehearsalTable,
} from "./rehearse-cut-over.ts";
export type { CutOverCommands } from "./rehearsal-commands.ts";
export { EXPORT_DEFAULTS, type ExportOptions, type ExportProgress } from "./export-options.ts";
export type { ExportedTable, ExportedTableVerification, ExportOutcome, ExportSummary, ExportVerification } from "./export-summary.ts";
export { ExportFailedError, ExportTargetExistsError, ImportFailedError, ImportSourceError, ImportTargetNotEmptyError } from "../errors.ts";
