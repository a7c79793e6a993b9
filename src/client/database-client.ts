import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { resolveDatabaseConfig, describeDatabaseTarget, type DatabaseConfig, type DatabaseOptions } from "../config/database-config.ts";
import { DatabaseUnavailableError } from "../errors.ts";
import { PrismaClient, type Prisma } from "../generated/prisma/client.ts";
import { stderrLogger, type DatabaseLogger } from "./database-logger.ts";
import { configOfGivenPool } from "./given-pool.ts";
import { poolConfigFor } from "../connection/pool-config.ts";
import { preparedStatementName } from "../connection/prepared-statement.ts";
import { PooledPgClient } from "./pooled-pg-client.ts";
import { safeErrorReason } from "../connection/safe-error-reason.ts";

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
   * Its sessions must run with `TimeZone=UTC` (create it with `options: "-c TimeZone=UTC"`; checked at
   * connect). Where and how it connects, its size and its timeouts are its own: the connection settings
   * and the environment are not read, and the package's statement, query and idle-in-transaction timeouts
   * are not applied. `close()` leaves it open: the service ends it. Defaults to a pool of the package's.
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
  /** Disconnects Prisma and ends the pool (a pool given in `pool` stays open). Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Connects to PostgreSQL and returns a ready Prisma client over a `pg` pool with the configured limits.
 * Proves the server is reachable with one query before returning.
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
  const config = given === undefined ? resolveDatabaseConfig(options) : await configOfGivenPool(given, options);
  const target = describeDatabaseTarget(config);
  const pool =
    given ??
    new pg.Pool({
      ...poolConfigFor(config),
      ...(config.queryTimeoutMs > 0 ? { query_timeout: config.queryTimeoutMs } : {}),
      Client: PooledPgClient,
    });
  const logger = options.logger ?? stderrLogger;
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
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new DatabaseUnavailableError(target, safeErrorReason(error, config.password), { cause: error });
    }
  }

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
  return Object.freeze({
    prisma,
    pool,
    config,
    close(): Promise<void> {
      closing ??= (async () => {
        try {
          await prisma.$disconnect();
        } finally {
          if (given === undefined) await pool.end();
          else pool.off("error", onPoolError);
        }
      })();
      return closing;
    },
  });
}
