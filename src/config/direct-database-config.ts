import { environmentValue, resolveDatabaseConfig, type DatabaseConfig, type DatabaseOptions } from "./database-config.ts";

/**
 * The configuration of work that needs a direct session with PostgreSQL (migrations, imports, exports,
 * roles): like {@link resolveDatabaseConfig}, but `DIRECT_DATABASE_URL`, when set, stands before
 * `DATABASE_URL`, so that a service whose `DATABASE_URL` names PgBouncer runs these over the server itself.
 * An explicit `databaseUrl` option still wins.
 *
 * @throws {ConfigurationError} as {@link resolveDatabaseConfig} does.
 */
export function resolveDirectDatabaseConfig(options: DatabaseOptions = {}): DatabaseConfig {
  const direct = options.databaseUrl === undefined ? environmentValue(options.env ?? process.env, "DIRECT_DATABASE_URL") : undefined;
  return resolveDatabaseConfig(direct === undefined ? options : { ...options, databaseUrl: direct });
}
