import pg from "pg";
import type { DatabaseConfig } from "../config/database-config.ts";
import { poolConfigFor } from "../connection/pool-config.ts";
import { isBehindPooler } from "../connection/pooler-detection.ts";
import type { DatabaseLogger } from "./database-logger.ts";
import { PooledPgClient } from "./pooled-pg-client.ts";
import { ReplicaSet } from "./replica-set.ts";
import type { RoutingPool } from "./routing-pool.ts";

/** The longest `connectDatabase` waits for the replicas' first measurement; reads go to the primary until it comes. */
const FIRST_MEASUREMENT_WAIT_MS = 2_000;

/**
 * Opens a pool per replica of `config` (each with the primary's limits and timeouts, plus one connection
 * for the lag measurements, named `… lag check` in `pg_stat_activity`), measures them once
 * (waiting at most {@link FIRST_MEASUREMENT_WAIT_MS}: a replica that is down does not hold up the
 * connect) and makes `primary` route reads to them.
 */
export async function openReplicas(
  primary: RoutingPool,
  config: DatabaseConfig,
  logger: DatabaseLogger,
  onPoolError: (error: Error) => void,
): Promise<ReplicaSet> {
  const members = config.replicas.map((replica) => {
    const settings = { ...poolConfigFor(replica), ...(replica.queryTimeoutMs > 0 ? { query_timeout: replica.queryTimeoutMs } : {}), Client: PooledPgClient };
    const pool = new pg.Pool(settings);
    // One connection of its own for the lag measurements: they never wait behind reads for a pooled connection.
    const checkPool = new pg.Pool({ ...settings, max: 1, application_name: `${replica.applicationName} lag check` });
    for (const each of [pool, checkPool]) each.on("error", onPoolError);
    return { config: replica, pool, checkPool };
  });
  const replicas = new ReplicaSet(primary, members, { maxLagMs: config.maxReplicaLagMs, intervalMs: config.replicaCheckIntervalMs, logger });
  let waited: NodeJS.Timeout | undefined;
  await Promise.race([replicas.start(), new Promise((resolveWait) => (waited = setTimeout(resolveWait, FIRST_MEASUREMENT_WAIT_MS)))]);
  clearTimeout(waited);
  primary.routeReadsTo(replicas);
  return replicas;
}

/**
 * When `pool` reaches PostgreSQL through a pooler although `config` does not say so (no `pgbouncer`),
 * the configuration to use instead: pooler mode, prepared statements off. `undefined` otherwise.
 */
export async function poolerModeIfDetected(pool: pg.Pool, config: DatabaseConfig): Promise<DatabaseConfig | undefined> {
  if (config.pgbouncer) return undefined;
  const client = await pool.connect();
  let pooled: boolean;
  try {
    pooled = await isBehindPooler(client);
  } finally {
    client.release();
  }
  if (!pooled) return undefined;
  const changed = { ...config, pgbouncer: true, preparedStatements: false };
  Object.defineProperty(changed, "password", { value: config.password, enumerable: false });
  Object.defineProperty(changed, "tlsFiles", { value: config.tlsFiles, enumerable: false });
  return Object.freeze(changed);
}
