import { ConfigurationError, type ConfigurationIssue } from "../errors.ts";
import { parseDatabaseUrl } from "./database-url.ts";
import { parseReplicaUrls, splitReplicaUrls } from "./replica-config.ts";
import { checkServerOptions } from "./server-options.ts";
import { SSL_MODES, type SslMode } from "./ssl-mode.ts";
import { resolveTlsFiles, type TlsFiles } from "./tls-files.ts";

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
   * parameter but the user, database and `application_name` is sent (PgBouncer before 1.20 refuses the
   * others): `TimeZone=UTC` is set by `SET` on each new connection, which PgBouncer tracks and restores
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

/**
 * A validated, frozen connection configuration. The password is a non-enumerable property, so
 * logging or serialising the object never shows it.
 */
export interface DatabaseConfig {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string | undefined;
  readonly poolSize: number;
  readonly connectionTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly idleInTransactionTimeoutMs: number;
  readonly queryTimeoutMs: number;
  readonly sslMode: SslMode;
  /** Path of the CA certificate file, when one is given. */
  readonly sslRootCert: string | undefined;
  /** Path of the client certificate file, when one is given. */
  readonly sslCert: string | undefined;
  /** Path of the client key file, when one is given. */
  readonly sslKey: string | undefined;
  /** The contents of the TLS files, read when the configuration was resolved. Not enumerable: it holds the key. */
  readonly tlsFiles: TlsFiles;
  readonly applicationName: string;
  /** The caller's server options (without the forced `-c TimeZone=UTC`), when given. */
  readonly serverOptions: string | undefined;
  readonly preparedStatements: boolean;
  /** Reached through a transaction-mode pooler: see {@link DatabaseOptions.pgbouncer}. */
  readonly pgbouncer: boolean;
  /** One configuration per read replica: the primary's, with the replica's server, and no replicas of its own. */
  readonly replicas: readonly DatabaseConfig[];
  readonly maxReplicaLagMs: number;
  readonly replicaCheckIntervalMs: number;
}

/** Every default in one place. */
export const DATABASE_DEFAULTS = Object.freeze({
  port: 5432,
  poolSize: 20,
  connectionTimeoutMs: 30_000,
  idleTimeoutMs: 300_000,
  statementTimeoutMs: 60_000,
  idleInTransactionTimeoutMs: 60_000,
  /** Added to the statement timeout for the default `queryTimeoutMs`, so the server's cancel comes first. */
  queryTimeoutMarginMs: 10_000,
  sslMode: "disable" as SslMode,
  applicationName: "se-letters-db",
  preparedStatements: true,
  pgbouncer: false,
  maxReplicaLagMs: 1_000,
  replicaCheckIntervalMs: 250,
});

const MAX_POOL_SIZE = 1000;
const MAX_TIMEOUT_SECONDS = 86_400;

/**
 * Reads and validates the connection configuration: explicit options first, then `DATABASE_URL`, then
 * the `DB_*` variables, then the defaults.
 *
 * @throws {ConfigurationError} listing every missing or invalid variable, with what is allowed. Messages
 *   never contain the password or the connection string.
 * @example
 * const config = resolveDatabaseConfig({ poolSize: 5 }); // the rest from DATABASE_URL or DB_*
 */
export function resolveDatabaseConfig(options: DatabaseOptions = {}): DatabaseConfig {
  const env = options.env ?? process.env;
  const issues: ConfigurationIssue[] = [];
  const fromEnv = (name: string): string | undefined => environmentValue(env, name);

  const urlSource = options.databaseUrl !== undefined ? "databaseUrl" : "DATABASE_URL";
  const url = options.databaseUrl ?? fromEnv("DATABASE_URL");
  const fromUrl = url === undefined ? undefined : parseDatabaseUrl(url, urlSource, issues);

  const host = options.host ?? fromUrl?.host ?? (url === undefined ? fromEnv("DB_HOST") : undefined);
  const database = options.database ?? fromUrl?.database ?? (url === undefined ? fromEnv("DB_NAME") : undefined);
  const user = options.user ?? fromUrl?.user ?? (url === undefined ? fromEnv("DB_USER") : undefined);
  const password = options.password ?? fromUrl?.password ?? (url === undefined ? env["DB_PASSWORD"] : undefined);

  if (url === undefined) {
    if (host === undefined) issues.push({ variable: "DB_HOST", message: "is not set (set DATABASE_URL, or DB_HOST, DB_NAME and DB_USER)" });
    if (database === undefined) issues.push({ variable: "DB_NAME", message: "is not set (set DATABASE_URL, or DB_HOST, DB_NAME and DB_USER)" });
    if (user === undefined) issues.push({ variable: "DB_USER", message: "is not set (set DATABASE_URL, or DB_HOST, DB_NAME and DB_USER)" });
  } else if (fromUrl !== undefined) {
    if (host === undefined) issues.push({ variable: urlSource, message: "has no host (expected postgresql://user:password@host:port/database)" });
    if (database === undefined) issues.push({ variable: urlSource, message: "has no database name (expected postgresql://user:password@host:port/database)" });
    if (user === undefined) issues.push({ variable: urlSource, message: "has no user name (expected postgresql://user:password@host:port/database)" });
  }

  const port =
    options.port !== undefined
      ? checkInteger(options.port, "port", 1, 65_535, issues)
      : fromUrl?.port ?? parseIntegerVariable(url === undefined ? fromEnv("DB_PORT") : undefined, "DB_PORT", 1, 65_535, issues);
  const poolSize =
    options.poolSize !== undefined
      ? checkInteger(options.poolSize, "poolSize", 1, MAX_POOL_SIZE, issues)
      : parseIntegerVariable(fromEnv("DB_POOL_SIZE"), "DB_POOL_SIZE", 1, MAX_POOL_SIZE, issues) ?? fromUrl?.poolSize;
  const timeoutMs = (option: number | undefined, optionName: string, variable: string, allowZero: boolean): number | undefined =>
    option !== undefined
      ? checkInteger(option, optionName, allowZero ? 0 : 1, MAX_TIMEOUT_SECONDS * 1000, issues)
      : parseSecondsVariable(fromEnv(variable), variable, allowZero, issues);
  const connectionTimeoutMs =
    timeoutMs(options.connectionTimeoutMs, "connectionTimeoutMs", "DB_CONNECTION_TIMEOUT", false) ?? fromUrl?.connectionTimeoutMs;
  const idleTimeoutMs = timeoutMs(options.idleTimeoutMs, "idleTimeoutMs", "DB_IDLE_TIMEOUT", true);
  const statementTimeoutMs = timeoutMs(options.statementTimeoutMs, "statementTimeoutMs", "DB_STATEMENT_TIMEOUT", true);
  const idleInTransactionTimeoutMs = timeoutMs(options.idleInTransactionTimeoutMs, "idleInTransactionTimeoutMs", "DB_IDLE_IN_TRANSACTION_TIMEOUT", true);
  const queryTimeoutMs = timeoutMs(options.queryTimeoutMs, "queryTimeoutMs", "DB_QUERY_TIMEOUT", true);
  const effectiveStatementTimeoutMs = statementTimeoutMs ?? DATABASE_DEFAULTS.statementTimeoutMs;
  if (queryTimeoutMs !== undefined && queryTimeoutMs > 0 && effectiveStatementTimeoutMs > 0 && queryTimeoutMs <= effectiveStatementTimeoutMs) {
    issues.push({
      variable: options.queryTimeoutMs !== undefined ? "queryTimeoutMs" : "DB_QUERY_TIMEOUT",
      message: `must be longer than the statement timeout (${effectiveStatementTimeoutMs} ms), so that PostgreSQL cancels a slow statement before the client drops its connection: lower the statement timeout too (statementTimeoutMs, DB_STATEMENT_TIMEOUT), or set it to 0`,
    });
  }
  const sslMode =
    options.sslMode !== undefined
      ? checkSslMode(options.sslMode, "sslMode", issues)
      : fromEnv("DB_SSL_MODE") !== undefined
        ? checkSslMode(fromEnv("DB_SSL_MODE"), "DB_SSL_MODE", issues)
        : fromUrl?.sslMode;
  const tls = resolveTlsFiles({ options, fromEnv, fromUrl, urlSource }, sslMode ?? DATABASE_DEFAULTS.sslMode, issues);
  const applicationName = options.applicationName ?? fromUrl?.applicationName;
  const serverOptions =
    options.serverOptions !== undefined ? checkServerOptions(options.serverOptions, "serverOptions", issues) : fromUrl?.serverOptions;
  const preparedStatements =
    options.preparedStatements !== undefined
      ? checkBoolean(options.preparedStatements, "preparedStatements", issues)
      : parseBooleanVariable(fromEnv("DB_PREPARED_STATEMENTS"), "DB_PREPARED_STATEMENTS", issues);
  const pgbouncer =
    options.pgbouncer !== undefined
      ? checkBoolean(options.pgbouncer, "pgbouncer", issues)
      : parseBooleanVariable(fromEnv("DB_PGBOUNCER"), "DB_PGBOUNCER", issues) ?? fromUrl?.pgbouncer;
  if (pgbouncer === true && serverOptions !== undefined) {
    issues.push({
      variable: options.serverOptions !== undefined ? "serverOptions" : urlSource,
      message: "sets server options, which PgBouncer in transaction mode cannot carry (pgbouncer is on): set them on the role instead (ALTER ROLE … SET …)",
    });
  }
  const replicaSource = options.replicas !== undefined ? "replicas" : "DATABASE_REPLICA_URLS";
  const replicaUrls = options.replicas ?? splitReplicaUrls(fromEnv("DATABASE_REPLICA_URLS") ?? "");
  const replicaTargets = parseReplicaUrls(replicaUrls, replicaSource, issues);
  const maxReplicaLagMs = timeoutMs(options.maxReplicaLagMs, "maxReplicaLagMs", "DB_REPLICA_MAX_LAG", true);
  const replicaCheckIntervalMs = timeoutMs(options.replicaCheckIntervalMs, "replicaCheckIntervalMs", "DB_REPLICA_CHECK_INTERVAL", false);

  if (issues.length > 0) throw new ConfigurationError(issues);

  const config = {
    host: host as string,
    port: port ?? DATABASE_DEFAULTS.port,
    database: database as string,
    user: user as string,
    poolSize: poolSize ?? DATABASE_DEFAULTS.poolSize,
    connectionTimeoutMs: connectionTimeoutMs ?? DATABASE_DEFAULTS.connectionTimeoutMs,
    idleTimeoutMs: idleTimeoutMs ?? DATABASE_DEFAULTS.idleTimeoutMs,
    statementTimeoutMs: effectiveStatementTimeoutMs,
    idleInTransactionTimeoutMs: idleInTransactionTimeoutMs ?? DATABASE_DEFAULTS.idleInTransactionTimeoutMs,
    queryTimeoutMs: queryTimeoutMs ?? (effectiveStatementTimeoutMs > 0 ? effectiveStatementTimeoutMs + DATABASE_DEFAULTS.queryTimeoutMarginMs : 0),
    sslMode: sslMode ?? DATABASE_DEFAULTS.sslMode,
    sslRootCert: tls.paths.rootCert,
    sslCert: tls.paths.cert,
    sslKey: tls.paths.key,
    applicationName: applicationName ?? DATABASE_DEFAULTS.applicationName,
    serverOptions,
    preparedStatements: preparedStatements ?? (pgbouncer === true ? false : DATABASE_DEFAULTS.preparedStatements),
    pgbouncer: pgbouncer ?? DATABASE_DEFAULTS.pgbouncer,
    replicas: [] as DatabaseConfig[],
    maxReplicaLagMs: maxReplicaLagMs ?? DATABASE_DEFAULTS.maxReplicaLagMs,
    replicaCheckIntervalMs: replicaCheckIntervalMs ?? DATABASE_DEFAULTS.replicaCheckIntervalMs,
  };
  const secrets = (target: object, secret: string | undefined) => {
    Object.defineProperty(target, "password", { value: secret, enumerable: false });
    Object.defineProperty(target, "tlsFiles", { value: Object.freeze(tls.files), enumerable: false });
  };
  secrets(config, password);
  // A replica is the primary's configuration with the replica's server; its pool is told apart in pg_stat_activity.
  config.replicas = replicaTargets.map((target, index) => {
    const replica = {
      ...config,
      host: target.host,
      port: target.port ?? config.port,
      database: target.database ?? config.database,
      user: target.user ?? config.user,
      applicationName: `${config.applicationName} replica ${index + 1}`,
      replicas: [],
    };
    secrets(replica, target.user === undefined || target.password !== undefined ? (target.password ?? password) : undefined);
    return Object.freeze(replica) as unknown as DatabaseConfig;
  });
  Object.freeze(config.replicas);
  return Object.freeze(config) as unknown as DatabaseConfig;
}

/** The trimmed value of an environment variable; a variable that is unset or blank counts as unset. */
export function environmentValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/** `user@host:port/database`: how a configuration is named in messages. Never includes the password. */
export function describeDatabaseTarget(config: Pick<DatabaseConfig, "user" | "host" | "port" | "database">): string {
  return `${config.user}@${config.host}:${config.port}/${config.database}`;
}

function checkInteger(value: number, name: string, min: number, max: number, issues: ConfigurationIssue[]): number | undefined {
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  issues.push({ variable: name, message: `must be a whole number from ${min} to ${max}, got ${String(value)}` });
  return undefined;
}

function parseIntegerVariable(raw: string | undefined, name: string, min: number, max: number, issues: ConfigurationIssue[]): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (value >= min && value <= max) return value;
  issues.push({ variable: name, message: `must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}` });
  return undefined;
}

function parseSecondsVariable(raw: string | undefined, name: string, allowZero: boolean, issues: ConfigurationIssue[]): number | undefined {
  if (raw === undefined) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  const min = allowZero ? 0 : 0.001;
  if (!(seconds >= min && seconds <= MAX_TIMEOUT_SECONDS)) {
    issues.push({
      variable: name,
      message: `must be a number of seconds from ${allowZero ? "0" : "0.001"} to ${MAX_TIMEOUT_SECONDS}, got ${JSON.stringify(raw)}`,
    });
    return undefined;
  }
  return Math.round(seconds * 1000);
}

function checkSslMode(raw: string | undefined, name: string, issues: ConfigurationIssue[]): SslMode | undefined {
  if ((SSL_MODES as readonly string[]).includes(raw ?? "")) return raw as SslMode;
  issues.push({ variable: name, message: `must be one of ${SSL_MODES.join(", ")}, got ${JSON.stringify(raw)}` });
  return undefined;
}

function checkBoolean(value: boolean, name: string, issues: ConfigurationIssue[]): boolean | undefined {
  if (typeof value === "boolean") return value;
  issues.push({ variable: name, message: `must be true or false, got ${JSON.stringify(value)}` });
  return undefined;
}

function parseBooleanVariable(raw: string | undefined, name: string, issues: ConfigurationIssue[]): boolean | undefined {
  if (raw === undefined) return undefined;
  if (raw === "true" || raw === "false") return raw === "true";
  issues.push({ variable: name, message: `must be true or false, got ${JSON.stringify(raw)}` });
  return undefined;
}
