import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { DatabaseOptions } from "../config/database-config.ts";
import { describeDatabaseTarget, resolveDatabaseConfig } from "../config/database-config.ts";
import { startEmbeddedPostgres } from "../embedded/embedded-postgres-server.ts";
import { migrate } from "../migrate/migrate.ts";
import type { RejectedRow } from "./bad-rows.ts";
import { compareDuckDbFiles, type FileComparison } from "./compare-duckdb-files.ts";
import { exportToDuckDb } from "./export-duckdb.ts";
import type { ExportSummary } from "./export-summary.ts";
import { importDuckDb } from "./import-duckdb.ts";
import type { ImportProgress } from "./import-options.ts";
import type { ImportSummary } from "./import-summary.ts";
import { cutOverCommands, type CutOverCommands } from "./rehearsal-commands.ts";
import { verifyImport, type VerifyImportResult } from "./verify-import.ts";

/** Options of {@link rehearseCutOver}. */
export interface RehearsalOptions {
  /** The pipeline's DuckDB file (opened read-only). Required. */
  from: string;
  /**
   * The scratch database: migrated, then imported into, so it must be empty. Only this URL is used (never
   * DATABASE_URL or DB_*, so a rehearsal cannot touch production by accident). Defaults to an embedded
   * PostgreSQL (data in `.se-letters-db/postgres`, database `se_letters_rehearsal`, recreated each run).
   */
  databaseUrl?: string;
  /** Called at the start of each step. Defaults to none. */
  onStep?: (step: RehearsalStepName) => void;
  /** The import's and the export's progress. Defaults to none. */
  onProgress?: (progress: ImportProgress) => void;
}

/** The steps of a rehearsal, in order. */
export type RehearsalStepName = "start" | "migrate" | "import" | "verify" | "export" | "compare";

/** One step and how long it took. */
export interface RehearsalStep {
  readonly name: RehearsalStepName;
  readonly seconds: number;
}

/** Rows per table through the round trip. */
export interface RehearsalTable {
  readonly table: string;
  readonly sourceRows: number;
  readonly imported: number;
  readonly rejected: number;
  readonly exported: number;
}

/** The rehearsal's one report. */
export interface RehearsalReport {
  /** True only when the round trip is exact: every row imported, verified, exported and equal cell for cell. */
  readonly exact: boolean;
  readonly source: string;
  /** The scratch database, `user@host:port/database` (never a password). */
  readonly database: string;
  readonly steps: readonly RehearsalStep[];
  readonly tables: readonly RehearsalTable[];
  /** Rows `import` would reject, as it lists them. */
  readonly rejectedRows: readonly RejectedRow[];
  readonly rejectedTotal: number;
  /** Every difference found by verify, the export's verification and the cell comparison. */
  readonly differences: readonly string[];
  readonly commands: CutOverCommands;
  readonly import: ImportSummary;
  readonly verification: VerifyImportResult | null;
  readonly export: ExportSummary | null;
  readonly comparison: FileComparison | null;
  readonly totalSeconds: number;
}

/**
 * Rehearses the cut-over and the way back on a scratch database: migrate, import (rows PostgreSQL cannot hold
 * are skipped and listed, so the rest is rehearsed), verify, export to a temporary DuckDB file, and compare
 * that file with the source cell for cell. Returns one report with each step's duration, rows per table,
 * every difference and the commands for the real cut-over and for the way back. The temporary files are
 * removed, and an embedded server is stopped, before it returns.
 *
 * @throws {ImportSourceError} when the file cannot be read or does not fit the schema.
 * @throws {ImportTargetNotEmptyError} when the given scratch database holds rows.
 * @throws {DatabaseUnavailableError} when the scratch database cannot be reached.
 * @throws {EmbeddedPostgresError} when the embedded server cannot start.
 */
export async function rehearseCutOver(options: RehearsalOptions): Promise<RehearsalReport> {
  const started = performance.now();
  const steps: RehearsalStep[] = [];
  const step = async <T>(name: RehearsalStepName, work: () => Promise<T>): Promise<T> => {
    options.onStep?.(name);
    const at = performance.now();
    const result = await work();
    steps.push({ name, seconds: (performance.now() - at) / 1000 });
    return result;
  };
  const folder = mkdtempSync(join(tmpdir(), "se-letters-rehearsal-"));
  const server =
    options.databaseUrl === undefined ? await step("start", () => startEmbeddedPostgres({ database: "se_letters_rehearsal", recreateDatabase: true })) : null;
  try {
    const connection = { databaseUrl: server?.url ?? (options.databaseUrl as string), env: {} } satisfies DatabaseOptions;
    const database = server?.description ?? describeDatabaseTarget(resolveDatabaseConfig(connection));
    const progress = options.onProgress === undefined ? {} : { onProgress: options.onProgress };
    const rejectsFile = join(folder, "rejects.jsonl");
    await step("migrate", () => migrate(connection));
    const imported = await step("import", () => importDuckDb({ ...connection, ...progress, from: options.from, onError: "skip", rejectsFile }));
    const committed = imported.committed;
    const verification = committed ? await step("verify", () => verifyImport({ ...connection, from: options.from, rejectsFile })) : null;
    const exportFile = join(folder, "round-trip.duckdb");
    const exported = committed ? await step("export", () => exportToDuckDb({ ...connection, ...progress, to: exportFile })) : null;
    const comparison = exported?.outcome === "exported" ? await step("compare", () => compareDuckDbFiles(options.from, exportFile)) : null;
    const differences = [
      ...(committed ? [] : [`the import was not committed (outcome ${imported.outcome})`]),
      ...(imported.verification?.differences ?? []),
      ...(verification?.differences.map((line) => `verify: ${line}`) ?? []),
      ...(exported?.verification.differences.map((line) => `export: ${line}`) ?? []),
      ...(comparison?.differences ?? []),
      ...(comparison !== null && comparison.differenceCount > comparison.differences.length ? [`… ${comparison.differenceCount - comparison.differences.length} more cell differences`] : []),
    ];
    const exact = committed && imported.rejectedTotal === 0 && verification?.ok === true && exported?.outcome === "exported" && comparison?.identical === true;
    return {
      exact,
      source: options.from,
      database,
      steps,
      tables: imported.tables.map((table) => ({
        table: table.table,
        sourceRows: table.rowsRead,
        imported: table.imported,
        rejected: table.rejected,
        exported: exported?.tables.find((row) => row.table === table.table)?.rows ?? 0,
      })),
      rejectedRows: imported.rejectedRows,
      rejectedTotal: imported.rejectedTotal,
      differences,
      commands: cutOverCommands(resolve(options.from), imported.rejectedTotal > 0),
      import: imported,
      verification,
      export: exported,
      comparison,
      totalSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    await server?.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}
