import type { DatabaseClient } from "../client/database-client.ts";
import { poolFigures } from "./connection-activity.ts";
import { getDatabaseReport, type DatabaseReport } from "./database-report.ts";
import { PrometheusTextWriter } from "./prometheus-text.ts";
import type { ReportOptions } from "./report-options.ts";
import type { RepositoryMetrics } from "./repository-metrics.ts";

/** Options of {@link renderDatabaseMetrics}. */
export interface MetricsOptions extends ReportOptions {
  /** The collector given to the service's repositories, whose call counts and latencies to include. Defaults to none. */
  repositoryMetrics?: RepositoryMetrics;
  /** A report already read, to render instead of reading one. Defaults to reading one now. */
  report?: DatabaseReport;
}

const PREFIX = "se_letters_db";
const seconds = (iso: string | null) => (iso === null ? [] : [Date.parse(iso) / 1000]);

/**
 * The database's health figures (the report's numbers), this process's pool and, when given, the
 * repository's call counts and latency histograms, in the Prometheus text exposition format: serve it on
 * `/metrics` with the `Content-Type` {@link PROMETHEUS_CONTENT_TYPE}. Names start with `se_letters_db_`,
 * in base units (`_seconds`, `_bytes`, counters `_total`). When the server cannot be reached,
 * `se_letters_db_up` is 0 and the pool and repository figures are still rendered: this never throws for
 * the database's state.
 *
 * @throws {ValidationError} when an option is invalid.
 * @example
 * app.get("/metrics", async (_request, reply) => {
 *   reply.header("content-type", PROMETHEUS_CONTENT_TYPE).send(await renderDatabaseMetrics(db, { repositoryMetrics }));
 * });
 */
export async function renderDatabaseMetrics(db: Pick<DatabaseClient, "pool" | "config">, options: MetricsOptions = {}): Promise<string> {
  const { repositoryMetrics, report: given, ...reportOptions } = options;
  const pool = poolFigures(db.pool, db.config.poolSize);
  const started = performance.now();
  let report: DatabaseReport | undefined = given;
  if (report === undefined) {
    try {
      report = await getDatabaseReport(db, reportOptions);
    } catch (error) {
      if ((error as { code?: unknown }).code === "VALIDATION_FAILED") throw error;
    }
  }
  const text = new PrometheusTextWriter();
  text.gauge(`${PREFIX}_up`, "1 when the database answered the report's queries, else 0.", [{ value: report === undefined ? 0 : 1 }]);
  if (report !== undefined) {
    if (given === undefined) text.gauge(`${PREFIX}_report_duration_seconds`, "How long reading these figures took.", [{ value: (performance.now() - started) / 1000 }]);
    renderReport(text, report);
  }
  text
    .gauge(`${PREFIX}_pool_max_clients`, "Connections this process's pool may open.", [{ value: pool.max }])
    .gauge(`${PREFIX}_pool_clients`, "Connections this process's pool holds, by state.", [
      { labels: { state: "idle" }, value: pool.idle },
      { labels: { state: "busy" }, value: pool.total - pool.idle },
    ])
    .gauge(`${PREFIX}_pool_waiting_requests`, "Callers of this process waiting for a pool connection.", [{ value: pool.waiting }]);
  if (repositoryMetrics !== undefined) {
    text
      .counter(`${PREFIX}_repository_calls_total`, "LetterRepository calls that reached the database, by operation and outcome.", repositoryMetrics.calls())
      .histogram(`${PREFIX}_repository_call_duration_seconds`, "LetterRepository call latency, retries included, by operation.", repositoryMetrics.durations());
  }
  return text.toString();
}

function renderReport(text: PrometheusTextWriter, report: DatabaseReport): void {
  text.gauge(`${PREFIX}_report_problems`, "Sections of the report that could not be read (timed out, not permitted).", [{ value: report.problems.length }]);
  const connections = report.connections;
  if (connections !== null) {
    text
      .gauge(`${PREFIX}_max_connections`, "The server's max_connections.", [{ value: connections.maxConnections }])
      .gauge(`${PREFIX}_connections`, "Client connections to the server, every database, by state.",
        connections.byState.map(({ state, count }) => ({ labels: { state }, value: count })))
      .gauge(`${PREFIX}_application_connections`, "Client connections to the server, by application_name.",
        connections.byApplication.map(({ applicationName, count }) => ({ labels: { application_name: applicationName }, value: count })))
      .gauge(`${PREFIX}_oldest_transaction_seconds`, "Age of the oldest open transaction (0 when none).",
        [{ value: connections.oldestTransaction?.transactionSeconds ?? 0 }])
      .gauge(`${PREFIX}_oldest_idle_in_transaction_seconds`, "How long the longest idle-in-transaction session has been idle (0 when none).",
        [{ value: connections.oldestIdleInTransaction?.stateSeconds ?? 0 }]);
  }
  text
    .gauge(`${PREFIX}_lock_waits`, "Sessions waiting for a lock now.", [{ value: report.lockWaits.length }])
    .gauge(`${PREFIX}_longest_lock_wait_seconds`, "The longest current lock wait (0 when none).", [{ value: Math.max(0, ...report.lockWaits.map((wait) => wait.waitSeconds)) }])
    .gauge(`${PREFIX}_table_live_rows`, "Live rows per table (statistics estimate).", report.tables.map((table) => ({ labels: { table: table.name }, value: table.liveRows })))
    .gauge(`${PREFIX}_table_dead_rows`, "Dead rows per table not yet vacuumed (statistics estimate).", report.tables.map((table) => ({ labels: { table: table.name }, value: table.deadRows })))
    .gauge(`${PREFIX}_table_size_bytes`, "Size per table: its main data, its indexes and its TOAST.",
      report.tables.flatMap((table) => [
        { labels: { table: table.name, part: "table" }, value: table.tableBytes },
        { labels: { table: table.name, part: "indexes" }, value: table.indexBytes },
        { labels: { table: table.name, part: "toast" }, value: table.toastBytes },
      ]))
    .counter(`${PREFIX}_table_seq_scans_total`, "Sequential scans per table since the statistics were reset.", report.tables.map((table) => ({ labels: { table: table.name }, value: table.seqScans })))
    .counter(`${PREFIX}_table_index_scans_total`, "Index scans per table since the statistics were reset.", report.tables.map((table) => ({ labels: { table: table.name }, value: table.indexScans })))
    .gauge(`${PREFIX}_table_last_vacuum_timestamp_seconds`, "Last vacuum (manual or auto) per table, Unix time; absent when never.",
      report.tables.flatMap((table) => latest(table.lastVacuum, table.lastAutovacuum).map((value) => ({ labels: { table: table.name }, value }))))
    .gauge(`${PREFIX}_table_last_analyze_timestamp_seconds`, "Last analyze (manual or auto) per table, Unix time; absent when never.",
      report.tables.flatMap((table) => latest(table.lastAnalyze, table.lastAutoanalyze).map((value) => ({ labels: { table: table.name }, value }))))
    .gauge(`${PREFIX}_index_size_bytes`, "Size per index.", report.indexes.map((index) => ({ labels: { table: index.table, index: index.name }, value: index.sizeBytes })))
    .counter(`${PREFIX}_index_scans_total`, "Scans per index since the statistics were reset.", report.indexes.map((index) => ({ labels: { table: index.table, index: index.name }, value: index.scans })));
  const database = report.database;
  if (database !== null) {
    const caches = [["tables", database.tableCache], ["indexes", database.indexCache]] as const;
    text
      .gauge(`${PREFIX}_database_size_bytes`, "On-disk size of the database.", [{ value: database.sizeBytes }])
      .gauge(`${PREFIX}_transaction_id_age`, "Age of the database's oldest unfrozen transaction ID (wraparound near 2.1 billion).", [{ value: database.transactionIdAge }])
      .gauge(`${PREFIX}_stats_reset_timestamp_seconds`, "When the database's statistics were last reset, Unix time; absent when never.",
        seconds(database.statsResetAt).map((value) => ({ value })))
      .counter(`${PREFIX}_cache_blocks_hit_total`, "Blocks of the schema's tables or indexes found in shared buffers.",
        caches.map(([relations, cache]) => ({ labels: { relations }, value: cache.hits })))
      .counter(`${PREFIX}_cache_blocks_read_total`, "Blocks of the schema's tables or indexes read from outside shared buffers.",
        caches.map(([relations, cache]) => ({ labels: { relations }, value: cache.reads })))
      .gauge(`${PREFIX}_cache_hit_ratio`, "Share of the schema's table or index blocks found in shared buffers since the statistics were reset.",
        caches.flatMap(([relations, cache]) => (cache.ratio === null ? [] : [{ labels: { relations }, value: cache.ratio }])));
  }
  text
    .gauge(`${PREFIX}_replica_replay_lag_seconds`, "Replay lag per replica (0 when idle and caught up).",
      report.replicas.map((replica) => ({ labels: { replica: replica.name }, value: replica.replayLagSeconds ?? 0 })))
    .gauge(`${PREFIX}_replica_replay_lag_bytes`, "WAL not yet replayed per replica.",
      report.replicas.flatMap((replica) => (replica.replayLagBytes === null ? [] : [{ labels: { replica: replica.name }, value: replica.replayLagBytes }])));
}

function latest(manual: string | null, automatic: string | null): number[] {
  const times = [...seconds(manual), ...seconds(automatic)];
  return times.length === 0 ? [] : [Math.max(...times)];
}
