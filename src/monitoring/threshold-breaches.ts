import type { HealthReport } from "../client/health-check.ts";
import type { ResolvedCheckThresholds } from "./check-thresholds.ts";
import { formatBytes } from "./byte-size.ts";
import type { DatabaseReport } from "./database-report.ts";

/** The conditions `checkDatabase` evaluates, in the order it reports them. */
export const CHECK_NAMES = Object.freeze([
  "reachable",
  "report",
  "connection-use",
  "transaction-age",
  "idle-in-transaction",
  "lock-wait",
  "dead-rows",
  "cache-hit",
  "transaction-id-age",
  "migrations",
  "replica-lag",
] as const);

/** One of {@link CHECK_NAMES}. */
export type CheckName = (typeof CHECK_NAMES)[number];

/** A threshold crossed. */
export interface Breach {
  readonly check: CheckName;
  /** What crossed it: a table, a session (`pid 123 (app)`), a replica, `tables`/`indexes` for the cache; `null` for the database as a whole. */
  readonly subject: string | null;
  /** The measured value (seconds, ratio, count), or `null` for a condition without one (unreachable, migrations). */
  readonly value: number | null;
  /** The threshold it crossed, or `null`. */
  readonly threshold: number | null;
  /** One line saying what is wrong, for a person. */
  readonly message: string;
}

const seconds = (value: number) => `${Math.round(value)} s`;
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const who = (session: { pid: number; applicationName: string }) => `pid ${session.pid}${session.applicationName === "" ? "" : ` (${session.applicationName})`}`;

/**
 * The thresholds a report and a health check cross, one breach per table, session, replica or problem.
 * Pure: `now` is the time vacuum ages are measured from.
 */
export function thresholdBreaches(report: DatabaseReport, health: HealthReport, limits: ResolvedCheckThresholds, now: Date): Breach[] {
  const breaches: Breach[] = [];
  const add = (check: CheckName, subject: string | null, value: number | null, threshold: number | null, message: string) =>
    breaches.push({ check, subject, value, threshold, message });

  for (const problem of report.problems) add("report", problem.section, null, null, `could not read ${problem.section}: ${problem.message}`);
  const connections = report.connections;
  if (connections !== null && connections.use > limits.maxConnectionUse) {
    add("connection-use", null, connections.use, limits.maxConnectionUse,
      `${connections.total} of ${connections.maxConnections} connections in use (${percent(connections.use)} > ${percent(limits.maxConnectionUse)})`);
  }
  const oldest = connections?.oldestTransaction;
  if (oldest && (oldest.transactionSeconds ?? 0) > limits.maxTransactionSeconds) {
    add("transaction-age", who(oldest), oldest.transactionSeconds, limits.maxTransactionSeconds,
      `transaction of ${who(oldest)} open for ${seconds(oldest.transactionSeconds ?? 0)} (> ${seconds(limits.maxTransactionSeconds)}), ${oldest.state ?? "state unknown"}`);
  }
  const idle = connections?.oldestIdleInTransaction;
  if (idle && (idle.stateSeconds ?? 0) > limits.maxIdleInTransactionSeconds) {
    add("idle-in-transaction", who(idle), idle.stateSeconds, limits.maxIdleInTransactionSeconds,
      `${who(idle)} idle in transaction for ${seconds(idle.stateSeconds ?? 0)} (> ${seconds(limits.maxIdleInTransactionSeconds)})`);
  }
  for (const wait of report.lockWaits) {
    if (wait.waitSeconds <= limits.maxLockWaitSeconds) continue;
    const blockers = wait.blockedBy.map(who).join(", ") || "unknown sessions";
    add("lock-wait", who(wait.waiting), wait.waitSeconds, limits.maxLockWaitSeconds,
      `${who(wait.waiting)} has waited ${seconds(wait.waitSeconds)} (> ${seconds(limits.maxLockWaitSeconds)}) for ${wait.mode} on ${wait.relation ?? wait.lockType}, blocked by ${blockers}`);
  }
  for (const table of report.tables) {
    const vacuumed = [table.lastVacuum, table.lastAutovacuum].filter((time) => time !== null).map((time) => Date.parse(time));
    const sinceVacuum = vacuumed.length === 0 ? Infinity : (now.getTime() - Math.max(...vacuumed)) / 1000;
    if (table.deadRows >= limits.minDeadRows && table.deadRatio > limits.maxDeadRatio && sinceVacuum > limits.vacuumGraceSeconds) {
      add("dead-rows", table.name, table.deadRatio, limits.maxDeadRatio,
        `${table.name}: ${table.deadRows} dead rows, ${percent(table.deadRatio)} of the table (> ${percent(limits.maxDeadRatio)}), ` +
          (vacuumed.length === 0 ? "never vacuumed" : `last vacuumed ${seconds(sinceVacuum)} ago`));
    }
  }
  for (const [subject, cache] of [["tables", report.database?.tableCache], ["indexes", report.database?.indexCache]] as const) {
    if (cache && cache.ratio !== null && cache.hits + cache.reads >= limits.minCacheBlocks && cache.ratio < limits.minCacheHitRatio) {
      add("cache-hit", subject, cache.ratio, limits.minCacheHitRatio,
        `cache hit ratio of ${subject} ${percent(cache.ratio)} (< ${percent(limits.minCacheHitRatio)}) over ${cache.hits + cache.reads} blocks`);
    }
  }
  const xidAge = report.database?.transactionIdAge;
  if (xidAge !== undefined && xidAge > limits.maxTransactionIdAge) {
    add("transaction-id-age", null, xidAge, limits.maxTransactionIdAge,
      `transaction ID age ${xidAge} (> ${limits.maxTransactionIdAge}): vacuum (freeze) the database before wraparound stops writes`);
  }
  if (health.reachable && !health.healthy) add("migrations", null, null, null, health.error ?? "migrations are not up to date");
  for (const replica of report.replicas) {
    if ((replica.replayLagSeconds ?? 0) > limits.maxReplicaLagSeconds) {
      add("replica-lag", replica.name, replica.replayLagSeconds, limits.maxReplicaLagSeconds,
        `replica ${replica.name} replays ${seconds(replica.replayLagSeconds ?? 0)} behind (> ${seconds(limits.maxReplicaLagSeconds)}), ${replica.state ?? "state unknown"}`);
    }
  }
  return breaches;
}

/**
 * What a check mentions without failing: indexes never scanned since the statistics were reset (unique
 * ones excepted: they enforce a constraint) and statement statistics that are off.
 */
export function checkNotices(report: DatabaseReport): string[] {
  const since = report.database?.statsResetAt ?? null;
  const unused = report.indexes
    .filter((index) => index.unused && !index.unique)
    .map((index) => `index ${index.name} on ${index.table} (${formatBytes(index.sizeBytes)}) has not been used since ${since === null ? "the statistics began" : `the statistics reset at ${since}`}`);
  return [...unused, ...(report.statements?.available === false ? [report.statements.note] : [])];
}
