import type { DatabaseClient } from "../client/database-client.ts";
import { describeDatabaseTarget } from "../config/database-config.ts";
import { poolFigures, readConnectionActivity, type ConnectionActivity } from "./connection-activity.ts";
import { readDatabaseTotals, type DatabaseTotals } from "./database-totals.ts";
import { readIndexUsage, type IndexUsage } from "./index-usage.ts";
import { readLockWaits, type LockWait } from "./lock-waits.ts";
import { withMonitoringSession, type ReportProblem } from "./monitoring-session.ts";
import { readReplicaStatus, type ReplicaStatus } from "./replica-status.ts";
import { resolveReportOptions, type ReportOptions } from "./report-options.ts";
import { readStatementStatistics, type StatementStatistics } from "./statement-statistics.ts";
import { readTableStatistics, type TableStatistics } from "./table-statistics.ts";

/** The version of {@link DatabaseReport}'s shape (and of `se-letters-db stats --json`): raised on any incompatible change. */
export const DATABASE_REPORT_VERSION = 1;

/**
 * What `getDatabaseReport` found: a snapshot of the server's statistics views, grouped by topic. Plain
 * JSON (times as ISO 8601 text, sizes in bytes, durations in seconds), the shape of `se-letters-db stats --json`.
 * A section that could not be read is empty (`null` or `[]`) and named in `problems`.
 */
export interface DatabaseReport {
  /** {@link DATABASE_REPORT_VERSION}. */
  readonly version: typeof DATABASE_REPORT_VERSION;
  /** When the report was taken. */
  readonly takenAt: string;
  /** `user@host:port/database`; never the password. */
  readonly target: string;
  /** The schema whose tables and indexes are listed. */
  readonly schema: string;
  /** Size, transaction ID age, statistics reset time, cache hit ratios. */
  readonly database: DatabaseTotals | null;
  readonly connections: ConnectionActivity | null;
  /** Sessions waiting for a lock now, longest first. */
  readonly lockWaits: readonly LockWait[];
  readonly tables: readonly TableStatistics[];
  readonly indexes: readonly IndexUsage[];
  readonly statements: StatementStatistics | null;
  readonly replicas: readonly ReplicaStatus[];
  /** Sections that could not be read, and why. */
  readonly problems: readonly ReportProblem[];
}

/**
 * Reads the database's health figures: connections (by state and application, against `max_connections`
 * and this process's pool; the oldest transaction and idle-in-transaction session), lock waits, per table
 * row estimates, sizes, vacuum and scans, per index size and use, cache hit ratios, size, transaction ID
 * age, the slowest statements (`pg_stat_statements`, when loaded) and replicas' lag.
 *
 * Read-only and cheap enough to run every 15 s: one pooled connection, a READ ONLY transaction, each
 * statement bounded by `statementTimeoutMs`, only statistics views and file sizes (no count, no scan of a
 * table).
 *
 * @throws {ValidationError} when an option is invalid.
 * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached.
 * @example
 * const report = await getDatabaseReport(db);
 * console.log(report.connections?.use, report.tables.map((table) => `${table.name} ${table.deadRows}`));
 */
export async function getDatabaseReport(db: Pick<DatabaseClient, "pool" | "config">, options: ReportOptions = {}): Promise<DatabaseReport> {
  const resolved = resolveReportOptions(options);
  const pool = poolFigures(db.pool, db.config.poolSize);
  return withMonitoringSession(db.pool, resolved.statementTimeoutMs, async ({ query, section, problems }) => {
    const schema = resolved.schema ?? (await query<{ schema: string | null }>("SELECT current_schema() AS schema"))[0]?.schema ?? "public";
    const database = await section("database", () => readDatabaseTotals(query, schema), null);
    const connections = await section("connections", () => readConnectionActivity(query, pool), null);
    const lockWaits = await section("lockWaits", () => readLockWaits(query), []);
    const tables = await section("tables", () => readTableStatistics(query, schema), []);
    const indexes = await section("indexes", () => readIndexUsage(query, schema), []);
    const statements = await section("statements", () => readStatementStatistics(query, resolved.statementLimit), null);
    const replicas = await section("replicas", () => readReplicaStatus(query), []);
    return {
      version: DATABASE_REPORT_VERSION,
      takenAt: new Date().toISOString(),
      target: describeDatabaseTarget(db.config),
      schema,
      database,
      connections,
      lockWaits,
      tables,
      indexes,
      statements,
      replicas,
      problems: [...problems],
    };
  });
}
