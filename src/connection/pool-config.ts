import type pg from "pg";
import type { DatabaseConfig } from "../config/database-config.ts";
import { serverOptionsWithForcedSettings } from "../config/server-options.ts";
import { tlsOptionsFor } from "./tls-options.ts";

/** Settings of the package's own `pg.Client` (see `PooledPgClient`) beyond node-postgres's. */
export interface SessionSetup {
  /**
   * Set `TimeZone` to UTC by a `SET` statement right after connecting, instead of the startup `options`
   * (which PgBouncer before 1.20 refuses): PgBouncer tracks `TimeZone` per client and restores it on each
   * server connection it hands out.
   */
  readonly timeZoneBySet?: boolean;
}

/**
 * The `pg.Pool` settings for a configuration: its limits and timeouts, TLS, the server options, and sessions in UTC.
 * Through a transaction-mode pooler (`pgbouncer`) only the startup parameters PgBouncer accepts are sent:
 * no `options`, no statement or idle-in-transaction timeout, and UTC is set by `SET` instead.
 */
export function poolConfigFor(config: DatabaseConfig): pg.PoolConfig & SessionSetup {
  if (config.pgbouncer) {
    const { statement_timeout: _statement, idle_in_transaction_session_timeout: _idle, options: _options, ...accepted } = directPoolConfigFor(config);
    return { ...accepted, timeZoneBySet: true };
  }
  return directPoolConfigFor(config);
}

function directPoolConfigFor(config: DatabaseConfig): pg.PoolConfig {
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
  // Always a direct session's settings: maintenance sessions refuse to run through a pooler.
  const { statement_timeout: _statement, idle_in_transaction_session_timeout: _idle, ...session } = directPoolConfigFor(config);
  return session;
}
