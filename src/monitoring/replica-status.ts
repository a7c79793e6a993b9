import type { MonitoringQuery } from "./monitoring-session.ts";

/** A standby streaming from this server (`pg_stat_replication`). */
export interface ReplicaStatus {
  /** The standby's `application_name` (its `cluster_name` or primary_conninfo's). */
  readonly name: string;
  readonly clientAddress: string | null;
  /** `streaming`, `catchup`, `startup`, `backup`, `stopping`. */
  readonly state: string | null;
  /** `async`, `sync`, `quorum`, `potential`. */
  readonly syncState: string | null;
  /** Seconds between a commit here and its replay there; `null` when it is idle and caught up. */
  readonly replayLagSeconds: number | null;
  /** WAL bytes not replayed there yet (`null` on a standby serving a cascade). */
  readonly replayLagBytes: number | null;
}

/** Reads the replicas of this server (none on a server without standbys). */
export async function readReplicaStatus(query: MonitoringQuery): Promise<ReplicaStatus[]> {
  const rows = await query<{
    name: string;
    client_address: string | null;
    state: string | null;
    sync_state: string | null;
    replay_lag_seconds: number | null;
    replay_lag_bytes: number | null;
  }>(
    `SELECT coalesce(application_name, '') AS name, client_addr::text AS client_address, state, sync_state,
            extract(epoch FROM replay_lag)::float8 AS replay_lag_seconds,
            CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 END AS replay_lag_bytes
       FROM pg_stat_replication ORDER BY application_name, pid`,
  );
  return rows.map((row) => ({
    name: row.name,
    clientAddress: row.client_address,
    state: row.state,
    syncState: row.sync_state,
    replayLagSeconds: row.replay_lag_seconds,
    replayLagBytes: row.replay_lag_bytes,
  }));
}
