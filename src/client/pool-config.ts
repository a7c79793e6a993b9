import type pg from "pg";
import type { DatabaseConfig } from "../config/database-config.ts";
import { tlsOptionsFor } from "../config/ssl-mode.ts";

/** The `pg.Pool` settings for a configuration: its limits and timeouts, TLS, and sessions in UTC. */
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
    ssl: tlsOptionsFor(config.sslMode),
    application_name: config.applicationName,
    // Timestamps are stored without time zone and mean UTC. @prisma/adapter-pg mislabels offsets in a
    // session whose TimeZone is not UTC (prisma/prisma#26786, #28629), so every session is forced to UTC.
    options: "-c TimeZone=UTC",
  };
}
