import pg from "pg";

/** What the sampler saw during a run. */
export interface LockReport {
  samples: number;
  /** Distinct lock waits (pid + wait start) seen. */
  waits: number;
  /** Longest wait seen, in ms (0 when none). */
  longestWaitMs: number;
  /** Waits seen longer than 100 ms. */
  waitsOver100ms: number;
  /** Samples in which some backend of the database waited on a heavyweight lock (wait_event_type = 'Lock'). */
  samplesWithLockWaits: number;
  /** pg_stat_database.deadlocks during the run. */
  deadlocks: number;
  /** The longest waits: lock type, mode, relation, waiter's application. */
  examples: string[];
}

const WAITS_SQL = `
  SELECT l.pid, l.locktype, l.mode, l.waitstart::text AS waitstart,
         CASE WHEN l.database = d.oid AND l.relation IS NOT NULL THEN l.relation::regclass::text END AS relation,
         a.application_name,
         extract(epoch FROM clock_timestamp() - coalesce(l.waitstart, clock_timestamp())) * 1000 AS waited_ms
  FROM pg_locks l
  JOIN pg_stat_activity a ON a.pid = l.pid
  JOIN pg_database d ON d.datname = current_database()
  WHERE NOT l.granted AND a.datname = current_database()`;

const LOCK_WAITERS_SQL = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
const DEADLOCKS_SQL = `SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()`;

/**
 * Samples pg_locks (ungranted, with PostgreSQL 14+'s `waitstart`) and pg_stat_activity every
 * `intervalMs` on a connection of its own, and reads pg_stat_database.deadlocks before and after.
 */
export class LockSampler {
  readonly #client: pg.Client;
  readonly #intervalMs: number;
  readonly #waits = new Map<string, { ms: number; text: string }>();
  #samples = 0;
  #samplesWithLockWaits = 0;
  #deadlocksBefore = 0;
  #running = false;
  #loop: Promise<void> | undefined;

  constructor(url: string, intervalMs = 50) {
    this.#client = new pg.Client({ connectionString: url, application_name: "bench-lock-sampler" });
    this.#intervalMs = intervalMs;
  }

  async start(): Promise<void> {
    await this.#client.connect();
    this.#deadlocksBefore = (await this.#client.query(DEADLOCKS_SQL)).rows[0].n;
    this.#running = true;
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const started = performance.now();
      const [waits, waiters] = await Promise.all([this.#client.query(WAITS_SQL), this.#client.query(LOCK_WAITERS_SQL)]);
      this.#samples++;
      if (waiters.rows[0].n > 0) this.#samplesWithLockWaits++;
      for (const row of waits.rows) {
        const key = `${row.pid}/${row.waitstart}/${row.locktype}`;
        const ms = Number(row.waited_ms);
        const previous = this.#waits.get(key);
        if (!previous || previous.ms < ms) {
          this.#waits.set(key, { ms, text: `${row.locktype} ${row.mode}${row.relation ? ` on ${row.relation}` : ""} (${row.application_name})` });
        }
      }
      const rest = this.#intervalMs - (performance.now() - started);
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    }
  }

  async stop(): Promise<LockReport> {
    this.#running = false;
    await this.#loop;
    const deadlocksAfter = (await this.#client.query(DEADLOCKS_SQL)).rows[0].n;
    await this.#client.end();
    const waits = [...this.#waits.values()].sort((a, b) => b.ms - a.ms);
    return {
      samples: this.#samples,
      waits: waits.length,
      longestWaitMs: waits[0]?.ms ?? 0,
      waitsOver100ms: waits.filter((wait) => wait.ms > 100).length,
      samplesWithLockWaits: this.#samplesWithLockWaits,
      deadlocks: deadlocksAfter - this.#deadlocksBefore,
      examples: waits.slice(0, 3).map((wait) => `${wait.ms.toFixed(0)} ms ${wait.text}`),
    };
  }
}
