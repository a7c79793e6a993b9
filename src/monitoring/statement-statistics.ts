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
 * extension is created here and its library preloaded (`shared_preload_libraries` is visible only to
 * superusers and `pg_read_all_settings`, e.g. `pg_monitor`; otherwise the view is tried, in a savepoint);
 * when either is missing, says how to enable it instead of failing (PostgreSQL 13+ column names).
 */
export async function readStatementStatistics(query: MonitoringQuery, limit: number): Promise<StatementStatistics> {
  const [state] = await query<{ preload: string | null; schema: string | null }>(
    `SELECT (SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries') AS preload,
            (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = '${LIBRARY}') AS schema`,
  );
  const preload = state?.preload ?? null;
  const loaded = preload === null ? null : preload.split(",").some((name) => name.trim().replace(/^"|"$/g, "") === LIBRARY);
  const schema = state?.schema ?? null;
  if (loaded === false || schema === null) return { available: false, note: enableNote(loaded, schema !== null) };
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
  await query("SAVEPOINT statements_probe");
  let slowest: StatementFigures[];
  try {
    slowest = await top("mean_exec_time");
  } catch (error) {
    // 55000: "pg_stat_statements must be loaded via shared_preload_libraries" (the setting was not visible).
    if ((error as { code?: unknown }).code !== "55000") throw error;
    await query("ROLLBACK TO SAVEPOINT statements_probe");
    return { available: false, note: enableNote(false, true) };
  }
  return { available: true, slowest, mostTime: await top("total_exec_time") };
}

/** The one line saying what to do; `loaded` is `null` when the role may not read shared_preload_libraries. */
function enableNote(loaded: boolean | null, created: boolean): string {
  const preload = `add ${LIBRARY} to shared_preload_libraries in postgresql.conf and restart the server`;
  const steps = [
    ...(loaded === false ? [preload] : []),
    ...(created ? [] : [`run CREATE EXTENSION ${LIBRARY} in this database`]),
  ];
  const unknown = loaded === null ? ` (and ${preload}, if it is not there: this role may not read that setting)` : "";
  return `Statement statistics are off: ${steps.join(", then ")}${unknown}.`;
}
