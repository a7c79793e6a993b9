import type { SslMode } from "./ssl-mode.ts";

/**
 * Options for connecting to PostgreSQL. Each one overrides the environment variable named in its doc
 * comment; whatever is given neither here nor in the environment takes the stated default.
 */
export interface DatabaseOptions {
  /**
   * Connection URL, `postgresql://user:password@host:port/database?sslmode=…`. Overrides `DATABASE_URL`.
   * When neither is set, the connection is built from `DB_HOST`, `DB_PORT`, `DB_NAME`, `DB_USER` and
   * `DB_PASSWORD`. Defaults to `DATABASE_URL`.
   */
  databaseUrl?: string;
  /** Server host name or address. Overrides `DB_HOST` and the URL's host. No default: required when there is no URL. */
  host?: string;
  /** Server port. Overrides `DB_PORT` and the URL's port. Defaults to `5432`. */
  port?: number;
  /** Database name. Overrides `DB_NAME` and the URL's path. No default: required when there is no URL. */
  database?: string;
  /** User name. Overrides `DB_USER` and the URL's user. No default: required when there is no URL. */
  user?: string;
  /** Password. Overrides `DB_PASSWORD` and the URL's password. Never defaulted: omit it for trust or peer authentication. */
  password?: string;
  /** Largest number of pooled connections. Overrides `DB_POOL_SIZE` and the URL's `connection_limit` (Prisma's). Defaults to `20`. */
  poolSize?: number;
  /**
   * How long to wait for a connection, in milliseconds: for a free pooled one, and for a new one to be
   * opened (TCP, TLS and login). Overrides `DB_CONNECTION_TIMEOUT` (seconds) and the URL's
   * `connect_timeout` (libpq's) or `pool_timeout` (Prisma's), in whole seconds. Defaults to `30000`.
   */
  connectionTimeoutMs?: number;
  /** How long an idle pooled connection is kept, in milliseconds; `0` keeps them forever. Overrides `DB_IDLE_TIMEOUT` (seconds). Defaults to `300000`. */
  idleTimeoutMs?: number;
  /**
   * Longest time one statement may run, in milliseconds, enforced by the server (`statement_timeout`,
   * the statement fails with SQLSTATE 57014); `0` sets none, leaving the server's or role's own setting
   * (PostgreSQL's is off). A bound by default, so that a statement stuck behind a lock or a runaway
   * plan fails with `QueryTimeoutError` instead of holding a request and a pooled connection forever;
   * migrations and imports do not apply it (their index builds and COPY can rightly take minutes). Set
   * `0` for a process whose own queries on `db.pool` legitimately run longer. Overrides
   * `DB_STATEMENT_TIMEOUT` (seconds). Defaults to `60000`.
   */
  statementTimeoutMs?: number;
  /**
   * Longest time a session may sit idle inside an open transaction, in milliseconds, before the server
   * ends the session (`idle_in_transaction_session_timeout`); `0` sets none, leaving the server's or
   * role's own setting. A transaction left open by a stalled or crashed caller holds its locks and
   * holds back vacuum on every table; the transactions this package opens run their statements back to
   * back, so a minute is far beyond any legitimate pause and still short enough to free the locks.
   * Overrides `DB_IDLE_IN_TRANSACTION_TIMEOUT` (seconds). Defaults to `60000`.
   */
  idleInTransactionTimeoutMs?: number;
  /**
   * Longest time the client waits for PostgreSQL's answer to one statement, in milliseconds, before it
   * gives up, drops that connection and fails the call with `QueryTimeoutError` (`timeout: "client"`);
   * `0` waits forever. The statement timeout cannot end a wait when the network itself stalls (the
   * server's cancel never arrives): this bound can. Must exceed {@link statementTimeoutMs} when both are
   * set, so that the server's cleaner cancel comes first. Overrides `DB_QUERY_TIMEOUT` (seconds).
   * Defaults to the statement timeout plus `10000` (70 s with the default statement timeout), or `0`
   * when the statement timeout is `0`.
   */
  queryTimeoutMs?: number;
  /** TLS mode. Overrides `DB_SSL_MODE` and the URL's `sslmode`. Defaults to `"disable"`. */
  sslMode?: SslMode;
  /**
   * Path of a PEM file of the CA certificate(s) the server's certificate must be signed by, for a server
   * whose CA is not in Node's trust store. Read when the configuration is resolved. With `require` it
   * makes the certificate checked as in `verify-ca`, as libpq does. `"system"` (libpq 16's spelling)
   * means Node's trust store and needs `verify-full`. Overrides `DB_SSL_ROOT_CERT` and the URL's
   * `sslrootcert`. Defaults to none (Node's trust store).
   */
  sslRootCert?: string;
  /** Path of a PEM client certificate, for a server that asks for one; needs {@link sslKey}. Overrides `DB_SSL_CERT` and the URL's `sslcert`. Defaults to none. */
  sslCert?: string;
  /** Path of the PEM private key of {@link sslCert}. Overrides `DB_SSL_KEY` and the URL's `sslkey`. Defaults to none. */
  sslKey?: string;
  /** `application_name` shown in `pg_stat_activity`. Overrides the URL's `application_name`. Defaults to `"se-letters-db"`. */
  applicationName?: string;
  /**
   * Command-line options sent to the server at connection start, libpq's `options`, such as
   * `-c lock_timeout=5s`. `TimeZone` may not be set to anything but UTC: every session runs with
   * `-c TimeZone=UTC`, added after these. Overrides the URL's `options`. Defaults to none.
   */
  serverOptions?: string;
  /**
   * Whether the repository's read of a letter by id (`findById`, `getById`, with or without children, on
   * the full client; never in a caller's transaction) runs as a named prepared statement, parsed and
   * planned once per connection. Turn off behind a connection pooler in transaction mode that does
   * not track prepared statements (PgBouncer with `max_prepared_statements = 0`, its default before
   * 1.24). Overrides `DB_PREPARED_STATEMENTS` (`true` or `false`). Defaults to `true`, or `false` with
   * {@link pgbouncer} (set `true` there only for PgBouncer 1.21 or later with `max_prepared_statements`).
   */
  preparedStatements?: boolean;
  /**
   * The server is reached through PgBouncer (or another pooler) in transaction mode. Then no startup
   * parameter but the user, database and `application_name` is sent (PgBouncer refuses those it does
   * not know unless listed in its `ignore_startup_parameters`; 1.18 knows neither `options` nor the
   * timeouts): `TimeZone=UTC` is set by `SET` on each new connection, which PgBouncer tracks and restores
   * on every server connection it hands this client; the package's statement and idle-in-transaction
   * timeouts are not sent (set them on the role: `ALTER ROLE … SET statement_timeout = '60s'`; the
   * client's `queryTimeoutMs` still applies); `serverOptions` is refused; prepared statements are off
   * unless {@link preparedStatements} says otherwise. Migrations and imports refuse to run through a
   * pooler: give them `DIRECT_DATABASE_URL`. `connectDatabase` also detects a pooler it was not told
   * of and behaves the same. Overrides `DB_PGBOUNCER` (`true` or `false`) and the URL's `pgbouncer`
   * (Prisma's). Defaults to `false`.
   */
  pgbouncer?: boolean;
  /**
   * URLs of streaming-replication read replicas of the primary, each `postgresql://user:password@host:port/database`
   * (user, password and database default to the primary's; every other setting is the primary's).
   * `connectDatabase` sends the repository's reads outside transactions to one of them. Overrides
   * `DATABASE_REPLICA_URLS` (comma-separated). Defaults to none: every query goes to the primary.
   */
  replicas?: readonly string[];
  /**
   * Largest replay lag, in milliseconds, at which a replica still serves reads: a replica further
   * behind, as measured from PostgreSQL (its replayed WAL position against the primary's), is skipped
   * until it catches up. Overrides `DB_REPLICA_MAX_LAG` (seconds). Defaults to `1000`.
   */
  maxReplicaLagMs?: number;
  /**
   * How often each replica's lag and health are measured, in milliseconds. A read on a replica is at
   * most {@link maxReplicaLagMs} stale, counting the time since the last measurement. Overrides
   * `DB_REPLICA_CHECK_INTERVAL` (seconds). Defaults to `250`.
   */
  replicaCheckIntervalMs?: number;
  /** Where environment variables are read from. Defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}
