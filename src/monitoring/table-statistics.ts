import type { MonitoringQuery } from "./monitoring-session.ts";
import { isoTime } from "./report-time.ts";

/** One table of the schema: the statistics collector's row estimates, its sizes, its maintenance and its scans. */
export interface TableStatistics {
  readonly schema: string;
  readonly name: string;
  /** Live rows, as the statistics estimate them (no count is run). */
  readonly liveRows: number;
  /** Dead rows not yet vacuumed, as estimated. */
  readonly deadRows: number;
  /** `deadRows / (liveRows + deadRows)`, 0 for an empty table. */
  readonly deadRatio: number;
  /** Everything: table, TOAST, indexes, free-space and visibility maps, in bytes. */
  readonly totalBytes: number;
  /** The table's main data, in bytes. */
  readonly tableBytes: number;
  /** All its indexes, in bytes. */
  readonly indexBytes: number;
  /** Its TOAST table and TOAST index, in bytes. */
  readonly toastBytes: number;
  readonly lastVacuum: string | null;
  readonly lastAutovacuum: string | null;
  readonly lastAnalyze: string | null;
  readonly lastAutoanalyze: string | null;
  /** Sequential scans since the statistics were reset. */
  readonly seqScans: number;
  /** Index scans since the statistics were reset (0 for a table without indexes). */
  readonly indexScans: number;
}

interface TableRow {
  schema: string;
  name: string;
  live_rows: number;
  dead_rows: number;
  total_bytes: number;
  table_bytes: number;
  index_bytes: number;
  toast_bytes: number;
  last_vacuum: Date | null;
  last_autovacuum: Date | null;
  last_analyze: Date | null;
  last_autoanalyze: Date | null;
  seq_scans: number;
  index_scans: number;
}

/**
 * Reads every table of `schema` from `pg_stat_user_tables`, largest first. Sizes come from the files'
 * lengths, never from reading the table; each size function takes a brief ACCESS SHARE lock, so a table
 * held by ACCESS EXCLUSIVE (an ALTER TABLE) makes this wait up to the report's lock timeout.
 */
export async function readTableStatistics(query: MonitoringQuery, schema: string): Promise<TableStatistics[]> {
  const rows = await query<TableRow>(
    `SELECT s.schemaname AS schema, s.relname AS name, s.n_live_tup::float8 AS live_rows, s.n_dead_tup::float8 AS dead_rows,
            pg_total_relation_size(s.relid)::float8 AS total_bytes, pg_relation_size(s.relid)::float8 AS table_bytes,
            pg_indexes_size(s.relid)::float8 AS index_bytes,
            (CASE WHEN c.reltoastrelid = 0 THEN 0 ELSE pg_total_relation_size(c.reltoastrelid) END)::float8 AS toast_bytes,
            s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze,
            coalesce(s.seq_scan, 0)::float8 AS seq_scans, coalesce(s.idx_scan, 0)::float8 AS index_scans
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.schemaname = $1
      ORDER BY total_bytes DESC, s.relname`,
    [schema],
  );
  return rows.map((row) => ({
    schema: row.schema,
    name: row.name,
    liveRows: row.live_rows,
    deadRows: row.dead_rows,
    deadRatio: row.live_rows + row.dead_rows > 0 ? row.dead_rows / (row.live_rows + row.dead_rows) : 0,
    totalBytes: row.total_bytes,
    tableBytes: row.table_bytes,
    indexBytes: row.index_bytes,
    toastBytes: row.toast_bytes,
    lastVacuum: isoTime(row.last_vacuum),
    lastAutovacuum: isoTime(row.last_autovacuum),
    lastAnalyze: isoTime(row.last_analyze),
    lastAutoanalyze: isoTime(row.last_autoanalyze),
    seqScans: row.seq_scans,
    indexScans: row.index_scans,
  }));
}
