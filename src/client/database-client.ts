import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { resolveDatabaseConfig, describeDatabaseTarget, type DatabaseConfig, type DatabaseOptions } from "../config/database-config.ts";
import { ConfigurationError, DatabaseUnavailableError } from "../errors.ts";
import { PrismaClient, type Prisma } from "../generated/prisma/client.ts";
import { stderrLogger, type DatabaseLogger } from "./database-logger.ts";
import { configOfGivenPool } from "./given-pool.ts";
import { poolConfigFor } from "../connection/pool-config.ts";
import { preparedStatementName } from "../connection/prepared-statement.ts";
import { PooledPgClient } from "./pooled-pg-client.ts";
import { safeErrorReason } from "../connection/safe-error-reason.ts";
import { isRefusedStartupParameter } from "../connection/pooler-detection.ts";
import { onPrimary } from "./read-routing.ts";
import type { ReadCounts, ReadReplicaStatus } from "./replica-set.ts";
import { RoutingPool } from "./routing-pool.ts";
import { openReplicas, poolerModeIfDetected } from "./replica-pools.ts";

/** Prisma needs a number for its transaction timeout: a day stands for "no bound" (`queryTimeoutMs` 0). */
const UNBOUNDED_TRANSACTION_MS = 86_400_000;

/** Options of {@link connectDatabase}: the connection settings, plus logging. */
export interface ConnectOptions extends DatabaseOptions {
  /**
   * Receives the package's structured log entries, such as a `warn` when an idle pooled connection fails
   * (the server restarted, an administrator ended it); the pool drops that connection and opens a new one
   * when needed. Entries never hold a password. Defaults to {@link stderrLogger}: one line on stderr for
   * warnings and errors.
   */
  logger?: DatabaseLogger;
  /**
   * Called with the raw error when an idle pooled connection fails, instead of `logger`. Defaults to
   * logging a `warn` entry through `logger`.
   */
  onPoolError?: (error: Error) => void;
  /**
   * Prisma's own `log` setting for `db.prisma` (queries, info, warnings, errors; to stdout or as events
   * for `db.prisma.$on`). Defaults to none.
   */
  prismaLog?: Prisma.PrismaClientOptions["log"];
  /**
   * A `pg.Pool` the service already has, to run the Prisma client over instead of a pool of the package's.
   * Its sessions must run with `TimeZone=UTC` (create it with `options: "-c TimeZone=UTC"`, or through
   * PgBouncer, which refuses `options`, run `SET TimeZone TO 'UTC'` in `pool.on("connect", …)`: PgBouncer
   * tracks it; checked at connect). Prepared statements are turned off when it goes through a pooler. Where and how it connects, its size and its timeouts are its own: the connection settings
   * and the environment are not read, and the package's statement, query and idle-in-transaction timeouts
   * are not applied. `close()` leaves it open: the service ends it. Not with `replicas`. Defaults to a pool
   * of the package's.
   */
  pool?: pg.Pool;
}

/** A connected Prisma client over a `pg` pool. Create one per process; call `close()` on shutdown. */
export interface DatabaseClient {
  /** The Prisma client, sharing {@link DatabaseClient.pool}. */
  readonly prisma: PrismaClient;
  /** The `pg` pool under the Prisma client, for raw SQL and COPY. Its sessions run with `TimeZone=UTC`. */
  readonly pool: pg.Pool;
  /** The resolved configuration (its password is not enumerable). */
  readonly config: DatabaseConfig;
  /**
   * Runs `work` with every statement on the primary, the repository's reads included: read-your-writes for
   * one call or a scope. Without replicas it just runs `work`.
   *
   * @example
   * await letters.setStatus(id, "processed");
   * const letter = await db.primaryScope(() => letters.getById(id)); // sees "processed"
   */
  primaryScope<T>(work: () => T): T;
  /** Each replica's state, last measured lag, largest lag seen and read counts; empty without replicas. */
  replicaStatus(): ReadReplicaStatus[];
  /**
   * Where the statements of the repository's reads outside transactions and primary scopes went: to a
   * replica, or to the primary because none qualified or one failed. Both 0 without replicas.
   */
  readCounts(): ReadCounts;
  /** Disconnects Prisma and ends the pool and the replicas' pools (a pool given in `pool` stays open). Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Connects to PostgreSQL and returns a ready Prisma client over a `pg` pool with the configured limits.
 * Proves the server is reachable with one query before returning.
 *
 * With `replicas` (or `DATABASE_REPLICA_URLS`) the repository's reads outside transactions go to a
 * replica whose replay lag, measured from PostgreSQL every `replicaCheckIntervalMs`, is within
 * `maxReplicaLagMs`; writes, transactions, `db.pool` and `db.prisma` used directly stay on the primary.
 * A read is therefore up to `maxReplicaLagMs` stale: use {@link DatabaseClient.primaryScope} to read
 * your own writes. Behind PgBouncer in transaction mode set `pgbouncer=true` (or let it be detected).
 *
 * @throws {ConfigurationError} when the configuration is missing or invalid.
 * @throws {DatabaseUnavailableError} when the server cannot be reached or refuses the login.
 * @example
 * const db = await connectDatabase(); // DATABASE_URL or DB_* from the environment
 * try {
 *   const count = await db.prisma.letter.count();
 * } finally {
 *   await db.close();
 * }
 */
export async function connectDatabase(options: ConnectOptions = {}): Promise<DatabaseClient> {
  const given = options.pool;
  if (given !== undefined && (options.replicas?.length ?? 0) > 0) {
    throw new ConfigurationError([{ variable: "replicas", message: "cannot be combined with a given pool: give the primary's connection settings instead of pool" }]);
  }
  let config = given === undefined ? resolveDatabaseConfig(options) : await configOfGivenPool(given, options);
  const target = describeDatabaseTarget(config);
  const logger = options.logger ?? stderrLogger;
  let pool = given ?? openPool(config);
  const onPoolError =
    options.onPoolError ??
    ((error: Error) =>
      logger({
        level: "warn",
        message: "an idle pooled connection failed; the pool replaces it when needed",
        fields: { target, reason: safeErrorReason(error, config.password) },
      }));
  pool.on("error", onPoolError);

  // A given pool has already answered (configOfGivenPool asked it who it is).
  if (given === undefined) {
    try {
      await pool.query("SELECT 1");
      // A pooler it was not told of may have dropped the startup options (TimeZone=UTC): start over in pooler mode.
      const pooled = await poolerModeIfDetected(pool, config);
      if (pooled !== undefined) {
        logger({ level: "info", message: "connected through a connection pooler: pgbouncer mode (prepared statements off, UTC set per connection)", fields: { target } });
        await pool.end();
        config = pooled;
        pool = openPool(config);
        pool.on("error", onPoolError);
        await pool.query("SELECT 1");
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      const reason = safeErrorReason(error, config.password);
      throw new DatabaseUnavailableError(
        target,
        isRefusedStartupParameter(error) ? `${reason} (a PgBouncer: add pgbouncer=true to the URL, or set DB_PGBOUNCER=true)` : reason,
        { cause: error },
      );
    }
  } else {
    // The given pool's sessions are its own, but named prepared statements cannot pass a pooler it goes through.
    const pooled = await poolerModeIfDetected(given, config).catch(() => undefined);
    if (pooled !== undefined) {
      logger({ level: "info", message: "the given pool goes through a connection pooler: prepared statements off", fields: { target } });
      config = pooled;
    }
  }
  const replicas = given === undefined && config.replicas.length > 0 ? await openReplicas(pool as RoutingPool, config, logger, onPoolError) : undefined;

  // The adapter's type asks for a name for every statement, but it passes the result to node-postgres as
  // `name`, where undefined means an unnamed statement: only the marked statements are prepared (tested).
  const statementNameGenerator = preparedStatementName as (query: { sql: string }) => string;
  const adapter = new PrismaPg(pool, config.preparedStatements ? { statementNameGenerator } : {});
  // Prisma gives up starting a transaction after 2 s by default, while a query waits connectionTimeoutMs
  // for a pool connection: a transaction waits as long (the pool's own timeout fires first, with its error).
  // Prisma also ends an interactive transaction after 5 s by default, which a large create outlives on a
  // busy server: the bound is the client's query timeout instead (none when that is off).
  const transactionOptions = {
    maxWait: config.connectionTimeoutMs + 1_000,
    timeout: config.queryTimeoutMs > 0 ? config.queryTimeoutMs : UNBOUNDED_TRANSACTION_MS,
  };
  const prisma = new PrismaClient({ adapter, transactionOptions, ...(options.prismaLog === undefined ? {} : { log: options.prismaLog }) });
  let closing: Promise<void> | undefined;
  const frozenConfig = config;
  return Object.freeze({
    prisma,
    pool,
    config: frozenConfig,
    primaryScope: onPrimary,
    replicaStatus: () => replicas?.status() ?? [],
    readCounts: () => replicas?.readCounts() ?? { replica: 0, primary: 0 },
    close(): Promise<void> {
      closing ??= (async () => {
        try {
          await prisma.$disconnect();
        } finally {
          await replicas?.close();
          if (given === undefined) await pool.end();
          else pool.off("error", onPoolError);
        }
      })();
      return closing;
    },
  });
}

/** The package's own pool for a configuration: the primary's, which routes reads when replicas are added. */
function openPool(config: DatabaseConfig): RoutingPool {
  return new RoutingPool({
    ...poolConfigFor(config),
    ...(config.queryTimeoutMs > 0 ? { query_timeout: config.queryTimeoutMs } : {}),
    Client: PooledPgClient,
  });
}
