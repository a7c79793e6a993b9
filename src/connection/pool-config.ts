import type pg from "pg";
import type { DatabaseConfig } from "../config/database-config.ts";
import { serverOptionsWithForcedSettings } from "../config/server-options.ts";
import { tlsOptionsFor } from "./tls-options.ts";

/** The `pg.Pool` settings for a configuration: its limits and timeouts, TLS, the server options, and sessions in UTC. */
export function poolConfigFor(config: DatabaseConfig): pg.PoolConfig {
  return {
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    ...(config.password === undefined ? {} : { password: config.password }),
    max: config.poolSize,
    connectionTimeoutMillis: config.connectionTimeoutMs,
    idleTimeoutMillis: config.idleTimeoutMs,
    // Sent as startup parameters; node-postgres leaves out a 0, so the server's own setting then applies.
    statement_timeout: config.statementTimeoutMs,
    idle_in_transaction_session_timeout: config.idleInTransactionTimeoutMs,
    ssl: tlsOptionsFor(config.sslMode, config.tlsFiles),
    application_name: config.applicationName,
    options: serverOptionsWithForcedSettings(config.serverOptions),
  };
}

/**
 * The settings of a migration or import session: those of {@link poolConfigFor} without the package's
 * statement and idle-in-transaction timeouts, which bound request-serving work. A migration's index
 * build or an import's COPY can rightly take minutes; the server's or role's own settings still apply.
 */
export function maintenanceSessionConfigFor(config: DatabaseConfig): pg.ClientConfig {
  const { statement_timeout: _statement, idle_in_transaction_session_timeout: _idle, ...session } = poolConfigFor(config);
  return session;
}
