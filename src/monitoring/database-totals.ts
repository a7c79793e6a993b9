import type { MonitoringQuery } from "./monitoring-session.ts";
import { isoTime } from "./report-time.ts";

/** A cache hit ratio and the block reads it is computed from. */
export interface CacheHits {
  /** `hits / (hits + reads)`, or `null` before any block was read. */
  readonly ratio: number | null;
  /** Blocks found in shared buffers. */
  readonly hits: number;
  /** Blocks read from the operating system (its page cache or disk). */
  readonly reads: number;
}

/** Figures of the database as a whole. */
export interface DatabaseTotals {
  readonly name: string;
  /** `server_version`. */
  readonly serverVersion: string;
  /** The server is a standby (in recovery). */
  readonly inRecovery: boolean;
  /** On-disk size of the database, in bytes. */
  readonly sizeBytes: number;
  /** Age of the database's oldest unfrozen transaction ID: wraparound stops writes near 2^31 (about 2.1 billion). */
  readonly transactionIdAge: number;
  /** When this database's statistics were last reset; `null` when never (since it was created). */
  readonly statsResetAt: string | null;
  /** Cache hit ratio of the schema's tables (heap blocks). */
  readonly tableCache: CacheHits;
  /** Cache hit ratio of the schema's indexes. */
  readonly indexCache: CacheHits;
}

interface TotalsRow {
  name: string;
  server_version: string;
  in_recovery: boolean;
  size_bytes: number;
  xid_age: number;
  stats_reset: Date | null;
  heap_hit: number;
  heap_read: number;
  idx_hit: number;
  idx_read: number;
}

/** Reads {@link DatabaseTotals} in one statement (the size walks the database's files, never its rows). */
export async function readDatabaseTotals(query: MonitoringQuery, schema: string): Promise<DatabaseTotals> {
  const [row] = await query<TotalsRow>(
    `SELECT d.datname AS name, current_setting('server_version') AS server_version, pg_is_in_recovery() AS in_recovery,
            pg_database_size(d.oid)::float8 AS size_bytes, age(d.datfrozenxid)::float8 AS xid_age, s.stats_reset,
            (SELECT coalesce(sum(heap_blks_hit), 0)::float8 FROM pg_statio_user_tables WHERE schemaname = $1) AS heap_hit,
            (SELECT coalesce(sum(heap_blks_read), 0)::float8 FROM pg_statio_user_tables WHERE schemaname = $1) AS heap_read,
            (SELECT coalesce(sum(idx_blks_hit), 0)::float8 FROM pg_statio_user_indexes WHERE schemaname = $1) AS idx_hit,
            (SELECT coalesce(sum(idx_blks_read), 0)::float8 FROM pg_statio_user_indexes WHERE schemaname = $1) AS idx_read
       FROM pg_database d JOIN pg_stat_database s ON s.datid = d.oid
      WHERE d.datname = current_database()`,
    [schema],
  );
  if (row === undefined) throw new Error("pg_database has no row for the current database");
  return {
    name: row.name,
    serverVersion: row.server_version,
    inRecovery: row.in_recovery,
    sizeBytes: row.size_bytes,
    transactionIdAge: row.xid_age,
    statsResetAt: isoTime(row.stats_reset),
    tableCache: cacheHits(row.heap_hit, row.heap_read),
    indexCache: cacheHits(row.idx_hit, row.idx_read),
  };
}

function cacheHits(hits: number, reads: number): CacheHits {
  return { ratio: hits + reads > 0 ? hits / (hits + reads) : null, hits, reads };
}
