import type { SessionSummary } from "../monitoring/connection-activity.ts";
import type { DatabaseReport } from "../monitoring/database-report.ts";
import type { StatementFigures } from "../monitoring/statement-statistics.ts";
import { format } from "./import-progress.ts";
import { formatBytes } from "../monitoring/byte-size.ts";
import { formatPercent, formatSeconds, textTable } from "./text-table.ts";

const RIGHT_FROM_1 = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]);

/** `se-letters-db stats` for people: the report grouped by topic, one table per list. */
export function formatDatabaseReport(report: DatabaseReport): string[] {
  const lines: string[] = [`Database report of ${report.target}, taken ${report.takenAt}`];
  const database = report.database;
  if (database !== null) {
    lines.push(
      "",
      "Database",
      `  PostgreSQL ${database.serverVersion}${database.inRecovery ? " (standby)" : ""}; size ${formatBytes(database.sizeBytes)}; transaction ID age ${format(database.transactionIdAge)} (wraparound near 2,100,000,000)`,
      `  statistics since ${database.statsResetAt ?? "the database was created (never reset)"}`,
      `  cache hit ratio: tables ${formatPercent(database.tableCache.ratio)} of ${format(database.tableCache.hits + database.tableCache.reads)} blocks, ` +
        `indexes ${formatPercent(database.indexCache.ratio)} of ${format(database.indexCache.hits + database.indexCache.reads)} blocks`,
    );
  }
  const connections = report.connections;
  if (connections !== null) {
    lines.push(
      "",
      "Connections (whole server)",
      `  ${connections.total} of max_connections ${connections.maxConnections} (${formatPercent(connections.use)}), ${connections.reservedConnections} reserved for superusers`,
      `  by state: ${connections.byState.map(({ state, count }) => `${state} ${count}`).join(", ")}`,
      `  by application: ${connections.byApplication.map(({ applicationName, count }) => `${applicationName} ${count}`).join(", ")}`,
      `  this process's pool: ${connections.pool.total} of ${connections.pool.max} open, ${connections.pool.idle} idle, ${connections.pool.waiting} waiting`,
      `  oldest transaction: ${session(connections.oldestTransaction, "transactionSeconds")}`,
      `  oldest idle in transaction: ${session(connections.oldestIdleInTransaction, "stateSeconds")}`,
    );
  }
  lines.push("", `Lock waits: ${report.lockWaits.length === 0 ? "none" : report.lockWaits.length}`);
  for (const wait of report.lockWaits) {
    lines.push(
      `  ${who(wait.waiting)} has waited ${formatSeconds(wait.waitSeconds)} for ${wait.mode} on ${wait.relation ?? wait.lockType}: ${wait.waiting.query ?? "?"}`,
      ...wait.blockedBy.map((blocker) => `    blocked by ${who(blocker)}, ${blocker.state ?? "state unknown"}: ${blocker.query ?? "?"}`),
    );
  }
  lines.push("", `Tables (schema ${report.schema}; rows are estimates)`);
  lines.push(
    ...indent(
      textTable(
        ["table", "live rows", "dead rows", "dead", "total", "heap", "indexes", "toast", "seq scans", "index scans", "last vacuum", "last analyze"],
        report.tables.map((table) => [
          table.name,
          format(table.liveRows),
          format(table.deadRows),
          formatPercent(table.deadRatio),
          formatBytes(table.totalBytes),
          formatBytes(table.tableBytes),
          formatBytes(table.indexBytes),
          formatBytes(table.toastBytes),
          format(table.seqScans),
          format(table.indexScans),
          latest(table.lastVacuum, table.lastAutovacuum),
          latest(table.lastAnalyze, table.lastAutoanalyze),
        ]),
        RIGHT_FROM_1,
      ),
    ),
  );
  lines.push("", `Indexes (scans since ${report.database?.statsResetAt ?? "the statistics began"})`);
  lines.push(
    ...indent(
      textTable(
        ["index", "table", "size", "scans", "note"],
        report.indexes.map((index) => [
          index.name,
          index.table,
          formatBytes(index.sizeBytes),
          format(index.scans),
          index.unused ? (index.unique ? "never used (enforces uniqueness)" : "NEVER USED") : "",
        ]),
        new Set([2, 3]),
      ),
    ),
  );
  lines.push("", "Statements (pg_stat_statements)");
  if (report.statements === null) lines.push("  not read (see problems)");
  else if (!report.statements.available) lines.push(`  ${report.statements.note}`);
  else lines.push("  slowest (mean):", ...statements(report.statements.slowest), "  most time (total):", ...statements(report.statements.mostTime));
  lines.push("", `Replicas: ${report.replicas.length === 0 ? "none" : report.replicas.length}`);
  for (const replica of report.replicas) {
    lines.push(
      `  ${replica.name} ${replica.clientAddress ?? ""}: ${replica.state ?? "?"} (${replica.syncState ?? "?"}), replay lag ${formatSeconds(replica.replayLagSeconds ?? 0)}` +
        (replica.replayLagBytes === null ? "" : `, ${formatBytes(replica.replayLagBytes)} of WAL`),
    );
  }
  if (report.problems.length > 0) {
    lines.push("", "Problems (these parts could not be read)", ...report.problems.map((problem) => `  ${problem.section}: ${problem.message}`));
  }
  return lines;
}

function who(session: SessionSummary): string {
  return `pid ${session.pid}${session.applicationName === "" ? "" : ` (${session.applicationName})`}`;
}

function session(summary: SessionSummary | null, age: "transactionSeconds" | "stateSeconds"): string {
  if (summary === null) return "none";
  return `${who(summary)}, ${formatSeconds(summary[age])}, ${summary.state ?? "state unknown"}: ${summary.query ?? "?"}`;
}

function latest(manual: string | null, automatic: string | null): string {
  const times = [manual, automatic].filter((time) => time !== null).sort();
  return times.at(-1)?.replace(/\.\d+Z$/, "Z") ?? "never";
}

function statements(list: readonly StatementFigures[]): string[] {
  if (list.length === 0) return ["    none recorded"];
  return indent(
    textTable(
      ["mean ms", "total ms", "calls", "statement"],
      list.map((statement) => [statement.meanMs.toFixed(2), statement.totalMs.toFixed(0), format(statement.calls), statement.query.slice(0, 120)]),
      new Set([0, 1, 2]),
    ),
    "    ",
  );
}

/** The lines indented; a table of a header alone (no rows) becomes "none". */
function indent(lines: string[], prefix = "  "): string[] {
  return lines.length === 1 ? [`${prefix}none`] : lines.map((line) => `${prefix}${line}`);
}
