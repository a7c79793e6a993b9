import type { ConfigurationIssue } from "../errors.ts";
import { checkServerOptions } from "./server-options.ts";
import { SSL_MODES, type SslMode } from "./ssl-mode.ts";

/** The parts of a connection URL this package uses. */
export interface DatabaseUrlParts {
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  sslMode?: SslMode;
  /** `sslrootcert`: path of the CA certificate file. */
  sslRootCert?: string;
  /** `sslcert`: path of the client certificate file. */
  sslCert?: string;
  /** `sslkey`: path of the client key file. */
  sslKey?: string;
  applicationName?: string;
  /** `options`: libpq command-line options for the server, checked by {@link checkServerOptions}. */
  serverOptions?: string;
  /** `connect_timeout` (libpq) or `pool_timeout` (Prisma), in milliseconds. */
  connectionTimeoutMs?: number;
  /** `connection_limit` (Prisma). */
  poolSize?: number;
  /** `pgbouncer=true` (Prisma): reached through a transaction-mode pooler. */
  pgbouncer?: boolean;
}

const EXPECTED = "expected postgresql://user:password@host:port/database";

/** Query parameters understood, libpq's and Prisma's; any other is refused by name. */
export const SUPPORTED_URL_PARAMETERS = [
  "host",
  "sslmode",
  "sslrootcert",
  "sslcert",
  "sslkey",
  "connect_timeout",
  "options",
  "application_name",
  "connection_limit",
  "pool_timeout",
  "pgbouncer",
  "schema",
] as const;

/** Stands for the empty host of `postgresql://user@/db`, which WHATWG URLs do not allow. */
const NO_HOST = "no-host.invalid";
const MAX_TIMEOUT_SECONDS = 86_400;
const MAX_CONNECTION_LIMIT = 1000;

/**
 * Splits a `postgresql://` URL into its parts, recording problems in `issues` under `variable`.
 * Problems are described without echoing the URL, which may hold a password.
 */
export function parseDatabaseUrl(url: string, variable: string, issues: ConfigurationIssue[]): DatabaseUrlParts | undefined {
  const parsed = parseUrl(url);
  if (parsed === undefined) {
    issues.push({ variable, message: `is not a valid URL (${EXPECTED})` });
    return undefined;
  }
  if (parsed.protocol !== "postgresql:" && parsed.protocol !== "postgres:") {
    issues.push({ variable, message: `must start with postgresql:// or postgres://, got ${JSON.stringify(parsed.protocol + "//")}` });
    return undefined;
  }

  const parts: DatabaseUrlParts = {};
  const decode = (text: string, what: string): string | undefined => {
    try {
      return decodeURIComponent(text);
    } catch {
      issues.push({ variable, message: `has a badly percent-encoded ${what}` });
      return undefined;
    }
  };
  const hostname = parsed.hostname === NO_HOST ? "" : parsed.hostname;
  const host = parsed.searchParams.get("host") ?? decode(hostname.replace(/^\[(.*)\]$/, "$1"), "host");
  if (host?.includes(",")) issues.push({ variable, message: "names several hosts; only one host is supported" });
  if (host) parts.host = host;
  if (parsed.port !== "") parts.port = Number(parsed.port);
  const database = decode(parsed.pathname.replace(/^\//, ""), "database name");
  if (database) parts.database = database;
  const user = decode(parsed.username, "user name");
  if (user) parts.user = user;
  const password = decode(parsed.password, "password");
  if (password) parts.password = password;

  const timeouts: string[] = [];
  for (const [key, value] of parsed.searchParams) {
    switch (key as (typeof SUPPORTED_URL_PARAMETERS)[number]) {
      case "host":
        break;
      case "sslmode":
        if ((SSL_MODES as readonly string[]).includes(value)) parts.sslMode = value as SslMode;
        else issues.push({ variable, message: `has sslmode=${JSON.stringify(value)}; allowed: ${SSL_MODES.join(", ")}` });
        break;
      case "sslrootcert":
        parts.sslRootCert = value;
        break;
      case "sslcert":
        parts.sslCert = value;
        break;
      case "sslkey":
        parts.sslKey = value;
        break;
      case "application_name":
        parts.applicationName = value;
        break;
      case "options": {
        const serverOptions = checkServerOptions(value, variable, issues);
        if (serverOptions !== undefined) parts.serverOptions = serverOptions;
        break;
      }
      case "connect_timeout":
      case "pool_timeout": {
        const seconds = /^\d+$/.test(value) ? Number(value) : Number.NaN;
        if (seconds >= 1 && seconds <= MAX_TIMEOUT_SECONDS) {
          timeouts.push(`${key}=${value}`);
          if (parts.connectionTimeoutMs !== undefined && parts.connectionTimeoutMs !== seconds * 1000) {
            issues.push({
              variable,
              message: `has ${timeouts.join(" and ")}: both set the one connection timeout (opening a connection included); give one`,
            });
          }
          parts.connectionTimeoutMs = seconds * 1000;
        } else {
          issues.push({
            variable,
            message: `has ${key}=${JSON.stringify(value)}; must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS} (no timeout at all is not offered)`,
          });
        }
        break;
      }
      case "connection_limit": {
        const limit = /^\d+$/.test(value) ? Number(value) : Number.NaN;
        if (limit >= 1 && limit <= MAX_CONNECTION_LIMIT) parts.poolSize = limit;
        else issues.push({ variable, message: `has connection_limit=${JSON.stringify(value)}; must be a whole number from 1 to ${MAX_CONNECTION_LIMIT}` });
        break;
      }
      case "pgbouncer":
        if (value === "true" || value === "false") parts.pgbouncer = value === "true";
        else issues.push({ variable, message: `has pgbouncer=${JSON.stringify(value)}; must be true or false` });
        break;
      case "schema":
        if (value !== "public") issues.push({ variable, message: `has schema=${JSON.stringify(value)}; only the public schema is supported` });
        break;
      default:
        issues.push({ variable, message: `has unsupported parameter ${JSON.stringify(key)} (supported: ${SUPPORTED_URL_PARAMETERS.join(", ")})` });
    }
  }
  return parts;
}

/**
 * The URL parsed by WHATWG rules. libpq also accepts a user with no host before the path
 * (`postgresql://user@/db?host=/var/run/postgresql`), which WHATWG refuses: that form is read with an
 * empty host. Never throws: a `TypeError` from `new URL` carries the whole input, password included.
 */
function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    if (!/^postgres(ql)?:\/\/[^/?#]*@\//.test(url)) return undefined;
    try {
      return new URL(url.replace("@/", `@${NO_HOST}/`));
    } catch {
      return undefined;
    }
  }
}
