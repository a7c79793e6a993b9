import type { RejectedRow } from "./bad-rows.ts";
import type { ImportTable } from "./import-tables.ts";
import type { VerificationReport } from "./verify-target.ts";

/** What happened to one table. */
export interface TableSummary {
  readonly table: ImportTable;
  readonly rowsRead: number;
  readonly imported: number;
  readonly rejected: number;
  /** Seconds spent reading, checking and copying it (index rebuild not included). */
  readonly seconds: number;
  readonly rowsPerSecond: number;
  /** Target columns the source lacks, filled with their default. */
  readonly defaultedColumns: readonly string[];
  /** Source columns left out with `ignoreColumns`. */
  readonly ignoredColumns: readonly string[];
}

/**
 * How an import ended:
 * - `imported`: committed (and verified unless verification was turned off); rejected rows, if any, are listed;
 * - `dry-run`: everything ran, then it was rolled back;
 * - `bad-rows`: rows PostgreSQL cannot hold were found with `onError: "stop"`: rolled back;
 * - `verification-failed`: the loaded data differed from the source: rolled back.
 */
export type ImportOutcome = "imported" | "dry-run" | "bad-rows" | "verification-failed";

/** The result of {@link importDuckDb}: returned, not thrown, whatever the outcome. */
export interface ImportSummary {
  readonly outcome: ImportOutcome;
  /** True when the transaction was committed. */
  readonly committed: boolean;
  readonly source: string;
  /** `user@host:port/database` (never a password). */
  readonly target: string;
  readonly replaced: boolean;
  readonly tables: readonly TableSummary[];
  /** Total rejected rows. */
  readonly rejectedTotal: number;
  /** The rejected rows, with every problem (at most 10,000 listed; `rejectedTotal` counts all). */
  readonly rejectedRows: readonly RejectedRow[];
  readonly rejectsFile: string | null;
  /** The comparison run before commit, or `null` when verification was turned off or the load stopped first. */
  readonly verification: VerificationReport | null;
  /** Seconds spent rebuilding keys, indexes and foreign keys. */
  readonly rebuildSeconds: number;
  readonly totalSeconds: number;
  /** Session settings of the load transaction. */
  readonly settings: Readonly<Record<string, string>>;
}
