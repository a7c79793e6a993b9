import type pg from "pg";
import { describeDatabaseTarget, type DatabaseConfig } from "../config/database-config.ts";
import { safeErrorReason } from "../connection/safe-error-reason.ts";
import type { DatabaseLogger } from "./database-logger.ts";
import { measureReplica, primaryWalPosition } from "./replica-lag.ts";

/** Why a replica serves reads or not, as last seen. */
export type ReplicaState = "serving" | "lagging" | "down" | "not-a-replica" | "unmeasured";

/** What {@link DatabaseClient.replicaStatus} tells of one replica. */
export interface ReadReplicaStatus {
  /** `user@host:port/database`; never the password. */
  readonly target: string;
  /** `serving` when its last measurement lets it serve reads now; otherwise why not. */
  readonly state: ReplicaState;
  /** Its replay lag at the last measurement, in milliseconds (see `maxReplicaLagMs`); `null` when unknown. */
  readonly lagMs: number | null;
  /** The largest lag measured since the client connected, in milliseconds. */
  readonly maxLagSeenMs: number;
  /** Read statements it answered (a repository call may send more than one, e.g. a page and its total). */
  readonly reads: number;
  /** Read statements it failed that the primary then answered (the replica was down or cancelled them). */
  readonly fallbacks: number;
}

/**
 * What {@link DatabaseClient.readCounts} tells: where the statements of the repository's reads outside
 * transactions went (a call may send more than one, e.g. a page and its total).
 */
export interface ReadCounts {
  /** Read statements answered by a replica. */
  readonly replica: number;
  /** Read statements answered by the primary because no replica qualified or one failed (reads in a primary scope are not counted). */
  readonly primary: number;
}

/** One replica: its configuration, the pool its reads use, and the one-connection pool its lag is measured on. */
export interface ReplicaMember {
  readonly config: DatabaseConfig;
  readonly pool: pg.Pool;
  readonly checkPool: pg.Pool;
}

interface MemberState {
  state: ReplicaState;
  lagMs: number | null;
  maxLagSeenMs: number;
  /** `performance.now()` just before the primary's position of the last measurement was read. */
  measuredAt: number;
  reads: number;
  fallbacks: number;
}

/**
 * The read replicas of a client: measures each one's replay lag every `replicaCheckIntervalMs` and picks,
 * round robin, one that may serve a read now: a standby whose lag, plus the time since it was measured,
 * is within `maxReplicaLagMs`. A replica whose read fails for a reason the primary could serve (down,
 * restarting, cancelled by recovery) is set aside until a measurement succeeds again.
 */
export class ReplicaSet {
  readonly #primary: pg.Pool;
  readonly #members: readonly ReplicaMember[];
  readonly #states = new Map<ReplicaMember, MemberState>();
  readonly #maxLagMs: number;
  readonly #intervalMs: number;
  readonly #logger: DatabaseLogger;
  #next = 0;
  #primaryReads = 0;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> | undefined;
  #closed = false;

  constructor(primary: pg.Pool, members: readonly ReplicaMember[], options: { maxLagMs: number; intervalMs: number; logger: DatabaseLogger }) {
    this.#primary = primary;
    this.#members = members;
    this.#maxLagMs = options.maxLagMs;
    this.#intervalMs = options.intervalMs;
    this.#logger = options.logger;
    for (const member of members) this.#states.set(member, { state: "unmeasured", lagMs: null, maxLagSeenMs: 0, measuredAt: 0, reads: 0, fallbacks: 0 });
  }

  /** Measures every replica once, then keeps measuring in the background until {@link close}. */
  async start(): Promise<void> {
    await this.#measureAll();
    this.#schedule();
  }

  /** A replica that may serve a read now, or `undefined` when none may (the read goes to the primary). */
  pick(): ReplicaMember | undefined {
    const now = performance.now();
    for (let tried = 0; tried < this.#members.length; tried++) {
      const member = this.#members[(this.#next + tried) % this.#members.length]!;
      const state = this.#states.get(member)!;
      if (state.state === "serving" && state.lagMs !== null && state.lagMs + (now - state.measuredAt) <= this.#maxLagMs) {
        this.#next = (this.#next + tried + 1) % this.#members.length;
        return member;
      }
    }
    return undefined;
  }

  /** Counts a read answered by `member`, or by the primary when `undefined`. */
  countRead(member: ReplicaMember | undefined): void {
    if (member === undefined) this.#primaryReads++;
    else this.#states.get(member)!.reads++;
  }

  /** Sets `member` aside after a failed read, until a measurement succeeds again; the primary answers instead. */
  markFailed(member: ReplicaMember, error: unknown): void {
    const state = this.#states.get(member)!;
    state.fallbacks++;
    if (state.state !== "down") {
      state.state = "down";
      this.#logger({
        level: "warn",
        message: "a read replica failed a read; reads go elsewhere until it answers again",
        fields: { target: describeDatabaseTarget(member.config), reason: safeErrorReason(error, member.config.password) },
      });
    }
  }

  /** Each replica's state, lag and counts. */
  status(): ReadReplicaStatus[] {
    const now = performance.now();
    return this.#members.map((member) => {
      const state = this.#states.get(member)!;
      const stale = state.state === "serving" && (state.lagMs ?? Infinity) + (now - state.measuredAt) > this.#maxLagMs;
      return {
        target: describeDatabaseTarget(member.config),
        state: stale ? "lagging" : state.state,
        lagMs: state.lagMs,
        maxLagSeenMs: state.maxLagSeenMs,
        reads: state.reads,
        fallbacks: state.fallbacks,
      };
    });
  }

  /** Where the reads went so far. */
  readCounts(): ReadCounts {
    const replica = [...this.#states.values()].reduce((sum, state) => sum + state.reads, 0);
    return { replica, primary: this.#primaryReads };
  }

  /** Stops measuring and ends the replicas' pools. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#round;
    await Promise.all(this.#members.flatMap((member) => [member.pool, member.checkPool].map((pool) => pool.end().catch(() => undefined))));
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#round = this.#measureAll().finally(() => this.#schedule());
    }, this.#intervalMs);
    this.#timer.unref();
  }

  async #measureAll(): Promise<void> {
    const measuredAt = performance.now();
    const position = await primaryWalPosition(this.#primary);
    await Promise.all(
      this.#members.map(async (member) => {
        const state = this.#states.get(member)!;
        try {
          const measurement = await measureReplica(member.checkPool, position);
          state.measuredAt = measuredAt;
          state.lagMs = measurement.lagMs;
          if (measurement.lagMs !== null) state.maxLagSeenMs = Math.max(state.maxLagSeenMs, measurement.lagMs);
          state.state = !measurement.inRecovery ? "not-a-replica" : measurement.lagMs !== null && measurement.lagMs <= this.#maxLagMs ? "serving" : "lagging";
        } catch {
          // Down or unreachable: the pool has dropped the connection; the next round tries again.
          state.state = "down";
          state.lagMs = null;
        }
      }),
    );
  }
}
