import type { ConfigurationIssue } from "../errors.ts";
import { SSL_MODES, type SslMode } from "./ssl-mode.ts";

/** The parts of a connection URL this package uses. */
export interface DatabaseUrlParts {
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  sslMode?: SslMode;
  applicationName?: string;
}

const EXPECTED = "expected postgresql://user:password@host:port/database";
const SUPPORTED_PARAMETERS = ["sslmode", "host", "application_name", "schema"];

/**
 * Splits a `postgresql://` URL into its parts, recording problems in `issues` under `variable`.
 * Problems are described without echoing the URL, which may hold a password.
 */
export function parseDatabaseUrl(url: string, variable: string, issues: ConfigurationIssue[]): DatabaseUrlParts | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
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
  const host = parsed.searchParams.get("host") ?? decode(parsed.hostname.replace(/^\[(.*)\]$/, "$1"), "host");
  if (host) parts.host = host;
  if (parsed.port !== "") parts.port = Number(parsed.port);
  const database = decode(parsed.pathname.replace(/^\//, ""), "database name");
  if (database) parts.database = database;
  const user = decode(parsed.username, "user name");
  if (user) parts.user = user;
  const password = decode(parsed.password, "password");
  if (password) parts.password = password;

  for (const [key, value] of parsed.searchParams) {
    if (!SUPPORTED_PARAMETERS.includes(key)) {
      issues.push({ variable, message: `has unsupported parameter ${JSON.stringify(key)} (supported: ${SUPPORTED_PARAMETERS.join(", ")})` });
    } else if (key === "sslmode") {
      if ((SSL_MODES as readonly string[]).includes(value)) parts.sslMode = value as SslMode;
      else issues.push({ variable, message: `has sslmode=${JSON.stringify(value)}; allowed: ${SSL_MODES.join(", ")}` });
    } else if (key === "application_name") {
      parts.applicationName = value;
    } else if (key === "schema" && value !== "public") {
      issues.push({ variable, message: `has schema=${JSON.stringify(value)}; only the public schema is supported` });
    }
  }
  return parts;
}
