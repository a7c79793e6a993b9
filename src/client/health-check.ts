import { describeDatabaseTarget } from "../config/database-config.ts";
import { readMigrationFiles } from "../migrate/migration-files.ts";
import { readMigrationHistory } from "../migrate/migration-history.ts";
import { compareMigrations } from "../migrate/migration-status.ts";
import type { DatabaseClient } from "./database-client.ts";
import { safeErrorReason } from "../connection/safe-error-reason.ts";

/** What {@link checkDatabaseHealth} found. `healthy` is true only when the server answers and the schema is up to date. */
export interface HealthReport {
  /** The server answered and no migration is pending, failed or edited. */
  readonly healthy: boolean;
  /** The server answered a query. */
  readonly reachable: boolean;
  /** `user@host:port/database`; never the password. */
  readonly target: string;
  /** Round trip of `SELECT` in milliseconds, when reachable. */
  readonly latencyMs?: number;
  /** `server_version` reported by PostgreSQL, when reachable. */
  readonly serverVersion?: string;
  /** Migration state, when reachable. */
  readonly migrations?: {
    readonly applied: number;
    readonly pending: readonly string[];
    readonly failed: readonly string[];
    readonly edited: readonly string[];
  };
  /** Why the check failed, when it did. */
  readonly error?: string;
}

/**
 * Says whether the database is reachable and whether migrations are pending. Never throws: problems are
 * reported in the result.
 *
 * @example
 * const report = await checkDatabaseHealth(db);
 * if (!report.healthy) console.error(report.error ?? `pending: ${report.migrations?.pending.join(", ")}`);
 */
export async function checkDatabaseHealth(
  client: Pick<DatabaseClient, "pool" | "config">,
  options: { migrationsDirectory?: string } = {},
): Promise<HealthReport> {
  const target = describeDatabaseTarget(client.config);
  const started = performance.now();
  let serverVersion: string;
  try {
    const result = await client.pool.query<{ server_version: string }>("SELECT current_setting('server_version') AS server_version");
    serverVersion = result.rows[0]?.server_version ?? "unknown";
  } catch (error) {
    return { healthy: false, reachable: false, target, error: safeErrorReason(error, client.config.password) };
  }
  const latencyMs = Math.round((performance.now() - started) * 100) / 100;
  try {
    const status = compareMigrations(readMigrationFiles(options.migrationsDirectory), await readMigrationHistory(client.pool));
    const migrations = {
      applied: status.applied.length,
      pending: status.pending.map((file) => file.name),
      failed: status.failed.map((record) => record.migrationName),
      edited: status.edited.map((entry) => entry.name),
    };
    const upToDate = migrations.pending.length + migrations.failed.length + migrations.edited.length === 0;
    return {
      healthy: upToDate,
      reachable: true,
      target,
      latencyMs,
      serverVersion,
      migrations,
      ...(upToDate ? {} : { error: describeMigrationProblem(migrations) }),
    };
  } catch (error) {
    return { healthy: false, reachable: true, target, latencyMs, serverVersion, error: safeErrorReason(error, client.config.password) };
  }
}

function describeMigrationProblem(migrations: NonNullable<HealthReport["migrations"]>): string {
  const parts: string[] = [];
  if (migrations.failed.length > 0) parts.push(`failed migrations: ${migrations.failed.join(", ")}`);
  if (migrations.edited.length > 0) parts.push(`edited after being applied: ${migrations.edited.join(", ")}`);
  if (migrations.pending.length > 0) parts.push(`pending migrations: ${migrations.pending.join(", ")} (run se-letters-db migrate)`);
  return parts.join("; ");
}
