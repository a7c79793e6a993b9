import type pg from "pg";

/** One measurement of a replica, made by {@link measureReplica}. */
export interface ReplicaMeasurement {
  /** The server is a standby (`pg_is_in_recovery()`); a promoted former replica is not. */
  readonly inRecovery: boolean;
  /**
   * How far behind the primary it is, in milliseconds: `0` when it has replayed all the WAL the primary
   * had written just before the measurement; otherwise the age of the last transaction it replayed, which
   * bounds from above how stale its data is (an idle primary does not make a caught-up replica look
   * behind). `null` when it cannot be told (nothing replayed since it started, while behind).
   */
  readonly lagMs: number | null;
}

/** The primary's current WAL position, as text (`0/3000148`), or `null` when it cannot be read. */
export async function primaryWalPosition(primary: pg.Pool): Promise<string | null> {
  try {
    const { rows } = await primary.query<{ lsn: string | null }>("SELECT pg_current_wal_lsn()::text AS lsn");
    return rows[0]?.lsn ?? null;
  } catch {
    // Read from the replica alone then: received against replayed.
    return null;
  }
}

/**
 * Measures a replica's replay lag from PostgreSQL. With the primary's WAL position, the replica is caught
 * up when it has replayed up to it; without it, when it has replayed all it received.
 */
export async function measureReplica(replica: pg.Pool, primaryPosition: string | null): Promise<ReplicaMeasurement> {
  const { rows } = await replica.query<{ in_recovery: boolean; lag_ms: number | null }>(
    `SELECT pg_is_in_recovery() AS in_recovery,
            CASE WHEN NOT pg_is_in_recovery() THEN NULL
                 WHEN $1::pg_lsn IS NOT NULL AND pg_last_wal_replay_lsn() >= $1::pg_lsn THEN 0
                 WHEN $1::pg_lsn IS NULL AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                 ELSE greatest(0, extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)
            END::float8 AS lag_ms`,
    [primaryPosition],
  );
  const row = rows[0];
  return { inRecovery: row?.in_recovery === true, lagMs: row?.lag_ms ?? null };
}
