import type { MonitoringQuery } from "./monitoring-session.ts";
import { reportedStatementText } from "./statement-text.ts";

/** One normalised statement from `pg_stat_statements` (constants replaced by `$1`, `$2`, …). */
export interface StatementFigures {
  /** Its text, shortened (as `pg_stat_statements` shows it: `<insufficient privilege>` without pg_read_all_stats). */
  readonly query: string;
  readonly calls: number;
  /** Mean execution time in milliseconds. */
  readonly meanMs: number;
  /** Total execution time in milliseconds, all calls. */
  readonly totalMs: number;
  /** Rows returned or affected, all calls. */
  readonly rows: number;
}

/** The statements of this database from `pg_stat_statements`, when it is installed and loaded; otherwise why not. */
export type StatementStatistics =
  | {
      readonly available: true;
      /** Highest mean execution time first. */
      readonly slowest: readonly StatementFigures[];
      /** Highest total execution time first: where the server's time goes. */
      readonly mostTime: readonly StatementFigures[];
    }
  | {
      readonly available: false;
      /** One line saying what is missing and how to enable it. */
      readonly note: string;
    };

const LIBRARY = "pg_stat_statements";

/**
 * Reads the `limit` slowest and most time-consuming statements of this database. Asks first whether the
 * extension is created here and its library preloaded; when either is missing, says how to enable it
 * instead of failing (PostgreSQL 13+ column names).
 */
export async function readStatementStatistics(query: MonitoringQuery, limit: number): Promise<StatementStatistics> {
  const [state] = await query<{ preload: string; schema: string | null }>(
    `SELECT current_setting('shared_preload_libraries') AS preload,
            (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = '${LIBRARY}') AS schema`,
  );
  const loaded = (state?.preload ?? "").split(",").some((name) => name.trim().replace(/^"|"$/g, "") === LIBRARY);
  const schema = state?.schema ?? null;
  if (!loaded || schema === null) return { available: false, note: enableNote(loaded, schema !== null) };
  const view = `"${schema.replaceAll('"', '""')}".${LIBRARY}`;
  const top = async (order: string) =>
    (
      await query<{ query: string | null; calls: number; mean_ms: number; total_ms: number; rows: number }>(
        `SELECT left(query, 2000) AS query, calls::float8 AS calls, mean_exec_time AS mean_ms, total_exec_time AS total_ms, rows::float8 AS rows
           FROM ${view} WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          ORDER BY ${order} DESC LIMIT $1`,
        [limit],
      )
    ).map((row) => ({ query: reportedStatementText(row.query) ?? "", calls: row.calls, meanMs: row.mean_ms, totalMs: row.total_ms, rows: row.rows }));
  return { available: true, slowest: await top("mean_exec_time"), mostTime: await top("total_exec_time") };
}

function enableNote(loaded: boolean, created: boolean): string {
  const steps = [
    ...(loaded ? [] : [`add ${LIBRARY} to shared_preload_libraries in postgresql.conf and restart the server`]),
    ...(created ? [] : [`run CREATE EXTENSION ${LIBRARY} in this database`]),
  ];
  return `Statement statistics are off: ${steps.join(", then ")}.`;
}
