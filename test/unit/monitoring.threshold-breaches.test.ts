import { describe, expect, it } from "vitest";
import type { HealthReport } from "../../src/client/health-check.ts";
import { CHECK_DEFAULTS, resolveCheckThresholds } from "../../src/monitoring/check-thresholds.ts";
import type { DatabaseReport } from "../../src/monitoring/database-report.ts";
import type { TableStatistics } from "../../src/monitoring/table-statistics.ts";
import { checkNotices, thresholdBreaches } from "../../src/monitoring/threshold-breaches.ts";

const NOW = new Date("2026-11-30T12:00:00Z");
const healthy: HealthReport = { healthy: true, reachable: true, target: "t", migrations: { applied: 5, pending: [], failed: [], edited: [] } };
const session = (pid: number, transactionSeconds: number, stateSeconds: number, state = "active") => ({
  pid, applicationName: "web", user: "svc", database: "letters", state, transactionSeconds, stateSeconds, query: "SELECT 1",
});

/** A report of a quiet database; each test changes what it is about. */
function report(changes: Partial<DatabaseReport> = {}): DatabaseReport {
  return {
    version: 1, takenAt: NOW.toISOString(), target: "t", schema: "public",
    database: {
      name: "letters", serverVersion: "15", inRecovery: false, sizeBytes: 1, transactionIdAge: 1_000, statsResetAt: null,
      tableCache: { ratio: 0.999, hits: 999_000, reads: 1_000 }, indexCache: { ratio: 0.5, hits: 50, reads: 50 },
    },
    connections: {
      maxConnections: 100, reservedConnections: 3, total: 10, use: 0.1, byState: [], byApplication: [],
      pool: { max: 10, total: 1, idle: 1, waiting: 0 }, oldestTransaction: null, oldestIdleInTransaction: null,
    },
    lockWaits: [], tables: [], indexes: [], statements: { available: true, slowest: [], mostTime: [] }, replicas: [], problems: [],
    ...changes,
  };
}

const limits = resolveCheckThresholds();

describe("thresholdBreaches", () => {
  it("a quiet database breaches nothing (an index cache ratio over fewer than minCacheBlocks blocks says nothing)", () => {
    expect(thresholdBreaches(report(), healthy, limits, NOW)).toEqual([]);
  });

  it("each threshold is crossed only past its value, with one line naming the subject", () => {
    const base = report();
    const busy = report({
      connections: { ...base.connections!, total: 81, use: 0.81, oldestTransaction: session(7, 301, 1), oldestIdleInTransaction: session(8, 10, 300) },
      database: { ...base.database!, transactionIdAge: 1_000_000_001, tableCache: { ratio: 0.94, hits: 9_400, reads: 600 } },
      replicas: [
        { name: "replica-a", clientAddress: "10.0.0.2", state: "streaming", syncState: "async", replayLagSeconds: 31, replayLagBytes: 1 },
        { name: "replica-b", clientAddress: null, state: "streaming", syncState: "async", replayLagSeconds: null, replayLagBytes: 0 },
      ],
    });
    expect(thresholdBreaches(busy, healthy, limits, NOW).map(({ check, subject, message }) => ({ check, subject, message }))).toEqual([
      { check: "connection-use", subject: null, message: "81 of 100 connections in use (81.0% > 80.0%)" },
      { check: "transaction-age", subject: "pid 7 (web)", message: "transaction of pid 7 (web) open for 301 s (> 300 s), active" },
      { check: "cache-hit", subject: "tables", message: "cache hit ratio of tables 94.0% (< 95.0%) over 10000 blocks" },
      { check: "transaction-id-age", subject: null, message: "transaction ID age 1000000001 (> 1000000000): vacuum (freeze) the database before wraparound stops writes" },
      { check: "replica-lag", subject: "replica-a", message: "replica replica-a replays 31 s behind (> 30 s), streaming" },
    ]);
  });

  it("dead rows: only with enough of them, over the ratio, and no vacuum within the grace period", () => {
    const table: TableStatistics = {
      schema: "public", name: "letters", liveRows: 6_000, deadRows: 4_000, deadRatio: 0.4, totalBytes: 1, tableBytes: 1, indexBytes: 0, toastBytes: 0,
      lastVacuum: null, lastAutovacuum: "2026-11-29T11:00:00.000Z", lastAnalyze: null, lastAutoanalyze: null, seqScans: 0, indexScans: 0,
    };
    const dead = (changes: Partial<TableStatistics>) => thresholdBreaches(report({ tables: [{ ...table, ...changes }] }), healthy, limits, NOW).map((breach) => breach.message);
    expect(dead({})).toEqual(["letters: 4000 dead rows, 40.0% of the table (> 20.0%), last vacuumed 90000 s ago"]);
    expect(dead({ lastVacuum: "2026-11-30T00:00:00.000Z" })).toEqual([]);
    expect(dead({ deadRows: 999, liveRows: 100, deadRatio: 0.9 })).toEqual([]);
    expect(dead({ deadRatio: 0.2 })).toEqual([]);
  });

  it("migrations, lock waits and unreadable sections are breaches; unused non-unique indexes and statistics off are notices", () => {
    const waiting = report({
      lockWaits: [{ waiting: session(9, 6, 6), waitSeconds: 6, lockType: "transactionid", mode: "ShareLock", relation: null, blockedBy: [session(7, 60, 50, "idle in transaction")] }],
      problems: [{ section: "tables", message: "not read within 2000 ms" }],
      indexes: [
        { schema: "public", table: "letters", name: "letters_pkey", sizeBytes: 8192, scans: 0, unique: true, unused: true },
        { schema: "public", table: "letters", name: "idx_letters_status", sizeBytes: 8192, scans: 0, unique: false, unused: true },
      ],
      statements: { available: false, note: "Statement statistics are off: run CREATE EXTENSION pg_stat_statements in this database." },
    });
    const pending: HealthReport = { ...healthy, healthy: false, error: "pending migrations: 2027_x (run se-letters-db migrate)" };
    expect(thresholdBreaches(waiting, pending, limits, NOW).map((breach) => `${breach.check}: ${breach.message}`)).toEqual([
      "report: could not read tables: not read within 2000 ms",
      "lock-wait: pid 9 (web) has waited 6 s (> 5 s) for ShareLock on transactionid, blocked by pid 7 (web)",
      "migrations: pending migrations: 2027_x (run se-letters-db migrate)",
    ]);
    expect(checkNotices(waiting)).toEqual([
      "index idx_letters_status on letters (8192 bytes) has not been used since the statistics began",
      "Statement statistics are off: run CREATE EXTENSION pg_stat_statements in this database.",
    ]);
  });

  it("the defaults are the documented ones", () => {
    expect(limits).toEqual(CHECK_DEFAULTS);
    expect(CHECK_DEFAULTS).toMatchObject({
      maxConnectionUse: 0.8, maxTransactionSeconds: 300, maxIdleInTransactionSeconds: 300, maxLockWaitSeconds: 5, maxDeadRatio: 0.2,
      vacuumGraceSeconds: 86_400, minCacheHitRatio: 0.95, maxTransactionIdAge: 1_000_000_000, maxReplicaLagSeconds: 30,
    });
  });
});
