import { ConfigurationError, type ConfigurationIssue } from "../errors.ts";
import { parseDatabaseUrl } from "./database-url.ts";
import { parseReplicaUrls, splitReplicaUrls } from "./replica-config.ts";
import { checkServerOptions } from "./server-options.ts";
import { SSL_MODES, type SslMode } from "./ssl-mode.ts";
import { resolveTlsFiles, type TlsFiles } from "./tls-files.ts";
import type { DatabaseOptions } from "./database-options.ts";

export type { DatabaseOptions } from "./database-options.ts";

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
