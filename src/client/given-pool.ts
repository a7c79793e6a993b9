import type pg from "pg";
import { resolveDatabaseConfig, type DatabaseConfig, type DatabaseOptions } from "../config/database-config.ts";
import { safeErrorReason } from "../connection/safe-error-reason.ts";
import { ConfigurationError, DatabaseUnavailableError } from "../errors.ts";

/** The time zones that mean UTC, as PostgreSQL may name them in `TimeZone`. */
const UTC_NAMES = new Set(["UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu"]);

interface ServerIdentity {
  user: string;
  database: string;
  host: string | null;
  port: number | null;
  time_zone: string;
}

/**
 * The configuration of a `pg.Pool` a service gives to `connectDatabase({ pool })`: who and where its
 * sessions are, asked of the server itself, since a pool's settings may come from a connection string, the
 * PG* variables or code. Proves the pool reaches the server, and that its sessions run in UTC: timestamps
 * are stored without time zone and mean UTC, and `@prisma/adapter-pg` mislabels them otherwise.
 *
 * @throws {DatabaseUnavailableError} when the pool cannot reach its server.
 * @throws {ConfigurationError} when its sessions do not run with `TimeZone=UTC`, or an option is invalid.
 */
export async function configOfGivenPool(pool: pg.Pool, options: DatabaseOptions): Promise<DatabaseConfig> {
  const password = typeof pool.options.password === "string" ? pool.options.password : undefined;
  let identity: ServerIdentity | undefined;
  try {
    const result = await pool.query<ServerIdentity>(
      `SELECT current_user AS user, current_database() AS database, host(inet_server_addr()) AS host,
              inet_server_port() AS port, current_setting('TimeZone') AS time_zone`,
    );
    identity = result.rows[0];
  } catch (error) {
    throw new DatabaseUnavailableError("the server of the given pool", safeErrorReason(error, password), { cause: error });
  }
  if (identity === undefined) throw new DatabaseUnavailableError("the server of the given pool", "it answered no row");
  if (!UTC_NAMES.has(identity.time_zone)) {
    throw new ConfigurationError([
      {
        variable: "pool",
        message: `runs its sessions with TimeZone=${identity.time_zone}; timestamps mean UTC: create the pool with options: "-c TimeZone=UTC"`,
      },
    ]);
  }
  return resolveDatabaseConfig({
    ...options,
    // The pool decides where and how to connect: the environment's connection settings do not apply.
    env: {},
    host: identity.host ?? "local socket",
    port: identity.port ?? 5432,
    database: identity.database,
    user: identity.user,
    poolSize: pool.options.max ?? 10,
    ...(password === undefined ? {} : { password }),
  });
}
