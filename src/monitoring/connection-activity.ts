import type pg from "pg";
import type { MonitoringQuery } from "./monitoring-session.ts";
import { reportedStatementText } from "./statement-text.ts";

/** A session named in the report: the oldest transaction, the oldest idle-in-transaction session, a lock's holder. */
export interface SessionSummary {
  readonly pid: number;
  readonly applicationName: string;
  readonly user: string | null;
  readonly database: string | null;
  /** `active`, `idle in transaction`, … (`null` when the role may not see other roles' sessions). */
  readonly state: string | null;
  /** Seconds since its transaction began. */
  readonly transactionSeconds: number | null;
  /** Seconds in its current state (for an idle-in-transaction session: how long it has been idle). */
  readonly stateSeconds: number | null;
  /** Its current or last statement, shortened, passwords masked (`null` when not visible). */
  readonly query: string | null;
}

/** Connections to the whole server (client backends), against its limit and against this process's pool. */
export interface ConnectionActivity {
  /** The server's `max_connections`. */
  readonly maxConnections: number;
  /** `superuser_reserved_connections`: slots only superusers may take. */
  readonly reservedConnections: number;
  /** Client connections open now, every database. */
  readonly total: number;
  /** `total / maxConnections`. */
  readonly use: number;
  /** Connections by state (`active`, `idle`, `idle in transaction`, …; `unknown` when not visible). */
  readonly byState: readonly { readonly state: string; readonly count: number }[];
  /** Connections by `application_name` (`(none)` when blank), most first. */
  readonly byApplication: readonly { readonly applicationName: string; readonly count: number }[];
  /** This process's pool: its size limit, open connections, idle ones and callers waiting for one (before the report took its own). */
  readonly pool: { readonly max: number; readonly total: number; readonly idle: number; readonly waiting: number };
  /** The session whose transaction is the oldest (the report's own excluded), or `null`. */
  readonly oldestTransaction: SessionSummary | null;
  /** The session idle in a transaction for the longest, or `null`. */
  readonly oldestIdleInTransaction: SessionSummary | null;
}

/** The columns of a {@link SessionRow}, read from the `pg_stat_activity` row named `alias`. */
export function sessionColumns(alias: string): string {
  return `${alias}.pid, coalesce(${alias}.application_name, '') AS application_name, ${alias}.usename AS user, ${alias}.datname AS database,
    ${alias}.state, extract(epoch FROM clock_timestamp() - ${alias}.xact_start)::float8 AS transaction_seconds,
    extract(epoch FROM clock_timestamp() - ${alias}.state_change)::float8 AS state_seconds, left(${alias}.query, 2000) AS query`;
}

/** A row of {@link sessionColumns}. */
export interface SessionRow {
  pid: number;
  application_name: string;
  user: string | null;
  database: string | null;
  state: string | null;
  transaction_seconds: number | null;
  state_seconds: number | null;
  query: string | null;
}

/** A {@link sessionColumns} row as the report shows it. */
export function toSessionSummary(row: SessionRow): SessionSummary {
  return {
    pid: row.pid,
    applicationName: row.application_name,
    user: row.user,
    database: row.database,
    state: row.state,
    transactionSeconds: row.transaction_seconds,
    stateSeconds: row.state_seconds,
    query: reportedStatementText(row.query),
  };
}

/** Reads {@link ConnectionActivity}: three small queries over `pg_stat_activity` (a few hundred rows at most). */
export async function readConnectionActivity(query: MonitoringQuery, pool: ConnectionActivity["pool"]): Promise<ConnectionActivity> {
  const [limits] = await query<{ max_connections: number; reserved: number }>(
    `SELECT current_setting('max_connections')::int AS max_connections, current_setting('superuser_reserved_connections')::int AS reserved`,
  );
  const groups = await query<{ state: string; application_name: string; count: number }>(
    `SELECT coalesce(state, 'unknown') AS state, coalesce(nullif(application_name, ''), '(none)') AS application_name, count(*)::int AS count
       FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY 1, 2`,
  );
  const oldest = await query<SessionRow & { kind: string }>(
    `(SELECT 'transaction' AS kind, ${sessionColumns("a")} FROM pg_stat_activity a
        WHERE a.backend_type = 'client backend' AND a.xact_start IS NOT NULL AND a.pid <> pg_backend_pid() ORDER BY a.xact_start LIMIT 1)
     UNION ALL
     (SELECT 'idle' AS kind, ${sessionColumns("a")} FROM pg_stat_activity a
        WHERE a.backend_type = 'client backend' AND a.state IN ('idle in transaction', 'idle in transaction (aborted)')
          AND a.pid <> pg_backend_pid() ORDER BY a.state_change LIMIT 1)`,
  );
  const total = groups.reduce((sum, group) => sum + group.count, 0);
  const maxConnections = limits?.max_connections ?? 0;
  const find = (kind: string) => {
    const row = oldest.find((candidate) => candidate.kind === kind);
    return row === undefined ? null : toSessionSummary(row);
  };
  return {
    maxConnections,
    reservedConnections: limits?.reserved ?? 0,
    total,
    use: maxConnections > 0 ? total / maxConnections : 0,
    byState: sumBy(groups, (group) => group.state).map(([state, count]) => ({ state, count })),
    byApplication: sumBy(groups, (group) => group.application_name).map(([applicationName, count]) => ({ applicationName, count })),
    pool,
    oldestTransaction: find("transaction"),
    oldestIdleInTransaction: find("idle"),
  };
}

/** The pool's own figures, as node-postgres counts them. */
export function poolFigures(pool: pg.Pool, max: number): ConnectionActivity["pool"] {
  return { max, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

function sumBy<T extends { count: number }>(rows: readonly T[], key: (row: T) => string): [string, number][] {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(key(row), (sums.get(key(row)) ?? 0) + row.count);
  return [...sums].sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0]));
}
