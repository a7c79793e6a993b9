import type { DatabaseClient } from "../client/database-client.ts";
import { checkDatabaseHealth } from "../client/health-check.ts";
import { describeDatabaseTarget } from "../config/database-config.ts";
import { safeErrorReason } from "../connection/safe-error-reason.ts";
import { resolveCheckThresholds, type CheckThresholds, type ResolvedCheckThresholds } from "./check-thresholds.ts";
import { getDatabaseReport, type DatabaseReport } from "./database-report.ts";
import { resolveReportOptions, type ReportOptions } from "./report-options.ts";
import { CHECK_NAMES, checkNotices, thresholdBreaches, type Breach, type CheckName } from "./threshold-breaches.ts";

/** The version of {@link CheckResult}'s shape (and of `se-letters-db check --json`): raised on any incompatible change. */
export const CHECK_RESULT_VERSION = 1;

/** Options of {@link checkDatabase}. */
export interface CheckOptions extends ReportOptions {
  /** Thresholds to use instead of {@link CHECK_DEFAULTS}, each one on its own. Defaults to `{}` (all defaults). */
  thresholds?: CheckThresholds;
  /** The migrations folder to compare the database with. Defaults to the package's own migrations. */
  migrationsDirectory?: string;
}

/** What {@link checkDatabase} concluded. `healthy` is true when no threshold is breached. */
export interface CheckResult {
  /** {@link CHECK_RESULT_VERSION}. */
  readonly version: typeof CHECK_RESULT_VERSION;
  readonly healthy: boolean;
  readonly checkedAt: string;
  /** `user@host:port/database`; never the password. */
  readonly target: string;
  /** Each condition: `ok` or `breached`; `unknown` when the server could not be reached to evaluate it. */
  readonly checks: Readonly<Record<CheckName, "ok" | "breached" | "unknown">>;
  /** Every threshold crossed, one per table, session, replica or problem. */
  readonly breaches: readonly Breach[];
  /** Worth knowing, never a breach: unused indexes, statement statistics off. */
  readonly notices: readonly string[];
  /** The thresholds applied. */
  readonly thresholds: ResolvedCheckThresholds;
}

/**
 * Evaluates the database against alert thresholds: connection use, transaction and idle-in-transaction
 * age, lock waits, dead rows without vacuum, cache hit ratios, transaction ID age, pending or failed
 * migrations, replica lag, reachability. Never throws for the database's state: an unreachable server is
 * a breach like the others.
 *
 * @throws {ValidationError} when a threshold or option is invalid (before anything is sent).
 * @example
 * const result = await checkDatabase(db, { thresholds: { maxLockWaitSeconds: 10 } });
 * for (const breach of result.breaches) console.error(breach.message);
 * process.exitCode = result.healthy ? 0 : 1;
 */
export async function checkDatabase(db: Pick<DatabaseClient, "pool" | "config">, options: CheckOptions = {}): Promise<CheckResult> {
  const { thresholds, migrationsDirectory, ...reportOptions } = options;
  const limits = resolveCheckThresholds(thresholds);
  resolveReportOptions(reportOptions);
  const target = describeDatabaseTarget(db.config);
  const health = await checkDatabaseHealth(db, migrationsDirectory === undefined ? {} : { migrationsDirectory });
  if (!health.reachable) return unreachableResult(target, health.error ?? "no answer", limits);
  let report: DatabaseReport;
  try {
    report = await getDatabaseReport(db, reportOptions);
  } catch (error) {
    return unreachableResult(target, safeErrorReason(error, db.config.password), limits);
  }
  const breaches = thresholdBreaches(report, health, limits, new Date());
  const breached = new Set(breaches.map((breach) => breach.check));
  return {
    version: CHECK_RESULT_VERSION,
    healthy: breaches.length === 0,
    checkedAt: report.takenAt,
    target,
    checks: Object.fromEntries(CHECK_NAMES.map((name) => [name, breached.has(name) ? "breached" : "ok"])) as CheckResult["checks"],
    breaches,
    notices: checkNotices(report),
    thresholds: limits,
  };
}

/**
 * The result of a check whose server could not be reached: the `reachable` breach, every other condition
 * `unknown`. Also what `se-letters-db check` reports when it cannot connect at all.
 */
export function unreachableResult(target: string, reason: string, thresholds: ResolvedCheckThresholds): CheckResult {
  return {
    version: CHECK_RESULT_VERSION,
    healthy: false,
    checkedAt: new Date().toISOString(),
    target,
    checks: Object.fromEntries(CHECK_NAMES.map((name) => [name, name === "reachable" ? "breached" : "unknown"])) as CheckResult["checks"],
    breaches: [{ check: "reachable", subject: null, value: null, threshold: null, message: `cannot reach ${target}: ${reason}` }],
    notices: [],
    thresholds,
  };
}
