import { z } from "zod";
import { parseInput } from "../letters/parse-input.ts";

/**
 * Defaults of {@link CheckThresholds}, in one place: what `se-letters-db check` alerts on unless told otherwise.
 */
export const CHECK_DEFAULTS = Object.freeze({
  /** Client connections over this share of `max_connections`. */
  maxConnectionUse: 0.8,
  /** A transaction open longer than this, in seconds. */
  maxTransactionSeconds: 300,
  /** A session idle in a transaction longer than this, in seconds. */
  maxIdleInTransactionSeconds: 300,
  /** A lock waited for longer than this, in seconds. */
  maxLockWaitSeconds: 5,
  /** Dead rows over this share of a table's rows… */
  maxDeadRatio: 0.2,
  /** …and at least this many of them… */
  minDeadRows: 1_000,
  /** …with no vacuum (manual or auto) for this long, in seconds. */
  vacuumGraceSeconds: 86_400,
  /** A cache hit ratio (tables, or indexes) under this… */
  minCacheHitRatio: 0.95,
  /** …once at least this many blocks were asked for (fewer say nothing). */
  minCacheBlocks: 10_000,
  /** The database's transaction ID age over this (wraparound stops writes near 2.1 billion). */
  maxTransactionIdAge: 1_000_000_000,
  /** A replica's replay lag over this, in seconds. */
  maxReplicaLagSeconds: 30,
});

/** The thresholds of `checkDatabase`; each one left out takes its value in {@link CHECK_DEFAULTS}. */
export type CheckThresholds = { -readonly [K in keyof typeof CHECK_DEFAULTS]?: number };

/** {@link CheckThresholds} with every value filled in. */
export type ResolvedCheckThresholds = Readonly<Record<keyof typeof CHECK_DEFAULTS, number>>;

const ratio = z.number("must be a number").min(0, "must be at least 0").max(1, "must be at most 1");
const count = z.number("must be a number").min(0, "must be at least 0");

const thresholdsSchema = z.strictObject({
  maxConnectionUse: ratio.default(CHECK_DEFAULTS.maxConnectionUse),
  maxTransactionSeconds: count.default(CHECK_DEFAULTS.maxTransactionSeconds),
  maxIdleInTransactionSeconds: count.default(CHECK_DEFAULTS.maxIdleInTransactionSeconds),
  maxLockWaitSeconds: count.default(CHECK_DEFAULTS.maxLockWaitSeconds),
  maxDeadRatio: ratio.default(CHECK_DEFAULTS.maxDeadRatio),
  minDeadRows: count.default(CHECK_DEFAULTS.minDeadRows),
  vacuumGraceSeconds: count.default(CHECK_DEFAULTS.vacuumGraceSeconds),
  minCacheHitRatio: ratio.default(CHECK_DEFAULTS.minCacheHitRatio),
  minCacheBlocks: count.default(CHECK_DEFAULTS.minCacheBlocks),
  maxTransactionIdAge: count.default(CHECK_DEFAULTS.maxTransactionIdAge),
  maxReplicaLagSeconds: count.default(CHECK_DEFAULTS.maxReplicaLagSeconds),
});

/**
 * Validates thresholds and fills in the defaults.
 *
 * @throws {ValidationError} naming each unknown or invalid threshold.
 */
export function resolveCheckThresholds(thresholds: CheckThresholds = {}): ResolvedCheckThresholds {
  return Object.freeze(parseInput(thresholdsSchema, thresholds, "check thresholds"));
}
