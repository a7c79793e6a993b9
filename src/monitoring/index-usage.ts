import type { MonitoringQuery } from "./monitoring-session.ts";

/** One index of the schema: its size and how often it was used since the statistics were reset. */
export interface IndexUsage {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly sizeBytes: number;
  /** Index scans since the statistics were reset (see the report's `database.statsResetAt`). */
  readonly scans: number;
  /** It enforces a primary key or a unique constraint: needed even when never scanned. */
  readonly unique: boolean;
  /** Never scanned since the statistics were reset. A unique one still enforces its constraint. */
  readonly unused: boolean;
}

/** Reads every index of `schema` from `pg_stat_user_indexes`, by table and name. */
export async function readIndexUsage(query: MonitoringQuery, schema: string): Promise<IndexUsage[]> {
  const rows = await query<{ schema: string; table: string; name: string; size_bytes: number; scans: number; unique: boolean }>(
    `SELECT s.schemaname AS schema, s.relname AS table, s.indexrelname AS name, pg_relation_size(s.indexrelid)::float8 AS size_bytes,
            coalesce(s.idx_scan, 0)::float8 AS scans, i.indisunique AS unique
       FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
      WHERE s.schemaname = $1
      ORDER BY s.relname, s.indexrelname`,
    [schema],
  );
  return rows.map((row) => ({
    schema: row.schema,
    table: row.table,
    name: row.name,
    sizeBytes: row.size_bytes,
    scans: row.scans,
    unique: row.unique,
    unused: row.scans === 0,
  }));
}
