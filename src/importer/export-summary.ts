import type { ImportTable } from "./import-tables.ts";

/** What the export did to one table. */
export interface ExportedTable {
  readonly table: ImportTable;
  /** Rows written to the file (all the table's rows in the snapshot). */
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  /** The value the file's id sequence gives next: one past the largest id exported (1 for an empty table). */
  readonly nextId: number;
  /** Database columns the pipeline's DuckDB shape has no place for, so not exported. */
  readonly leftOutColumns: readonly string[];
}

/** The comparison of one table of the written file with the database's snapshot. */
export interface ExportedTableVerification {
  readonly table: ImportTable;
  readonly databaseRows: number;
  readonly fileRows: number;
  readonly databaseChecksum: string;
  readonly fileChecksum: string;
  readonly matches: boolean;
}

/** The verification pass run on the temporary file before it takes the target's name. */
export interface ExportVerification {
  /** True when every table matches and no child row of the file lacks its parent. */
  readonly ok: boolean;
  readonly tables: readonly ExportedTableVerification[];
  /** Every difference, one sentence each (empty when `ok`). */
  readonly differences: readonly string[];
  readonly seconds: number;
}

/**
 * How an export ended: `exported` (verified, then moved to the target's name) or `verification-failed`
 * (the temporary file was removed; nothing was written under the target's name).
 */
export type ExportOutcome = "exported" | "verification-failed";

/** The result of {@link exportToDuckDb}: returned, not thrown, whatever the verification found. */
export interface ExportSummary {
  readonly outcome: ExportOutcome;
  /** The DuckDB file, as named by the caller. */
  readonly file: string;
  /** `user@host:port/database` (never a password). */
  readonly source: string;
  /** True when an existing file was replaced (`force`). */
  readonly replaced: boolean;
  readonly tables: readonly ExportedTable[];
  readonly verification: ExportVerification;
  readonly totalSeconds: number;
}
