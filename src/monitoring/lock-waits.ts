import { sessionColumns, toSessionSummary, type SessionRow, type SessionSummary } from "./connection-activity.ts";
import type { MonitoringQuery } from "./monitoring-session.ts";

/** A session waiting for a lock now, and the sessions it waits on. */
export interface LockWait {
  /** The waiting session. */
  readonly waiting: SessionSummary;
  /** Seconds it has waited for the lock. */
  readonly waitSeconds: number;
  /** `relation`, `transactionid`, `tuple`, `advisory`, … */
  readonly lockType: string;
  /** The mode it asks for, e.g. `ShareLock`, `AccessExclusiveLock`. */
  readonly mode: string;
  /** The table or index, when the lock is on one of this database's relations. */
  readonly relation: string | null;
  /** The sessions holding or queued ahead for what it waits on (`pg_blocking_pids`). */
  readonly blockedBy: readonly SessionSummary[];
}

interface LockWaitRow extends SessionRow {
  wait_seconds: number | null;
  locktype: string;
  mode: string;
  relation: string | null;
  blockers: SessionRow[];
}

/**
 * Reads the lock waits of the whole server, longest first: `pg_locks` rows not granted (PostgreSQL 14+ gives
 * their `waitstart`), with `pg_blocking_pids` asked only for those sessions.
 */
export async function readLockWaits(query: MonitoringQuery): Promise<LockWait[]> {
  const rows = await query<LockWaitRow>(
    `SELECT ${sessionColumns("a")},
            extract(epoch FROM clock_timestamp() - coalesce(l.waitstart, a.state_change))::float8 AS wait_seconds, l.locktype, l.mode,
            CASE WHEN l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) THEN l.relation::regclass::text END AS relation,
            (SELECT coalesce(json_agg(blocker), '[]') FROM (SELECT ${sessionColumns("b")} FROM pg_stat_activity b
               WHERE b.pid = ANY (pg_blocking_pids(a.pid))) blocker) AS blockers
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE NOT l.granted AND l.pid <> pg_backend_pid()
      ORDER BY wait_seconds DESC NULLS LAST`,
  );
  return rows.map((row) => ({
    waiting: toSessionSummary(row),
    waitSeconds: row.wait_seconds ?? 0,
    lockType: row.locktype,
    mode: row.mode,
    relation: row.relation,
    blockedBy: row.blockers.map(toSessionSummary),
  }));
}
