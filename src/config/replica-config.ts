import type { ConfigurationIssue } from "../errors.ts";
import { parseDatabaseUrl } from "./database-url.ts";

/** Where one read replica is: the parts a replica URL may give. Every other setting is the primary's. */
export interface ReplicaTarget {
  readonly host: string;
  readonly port: number | undefined;
  readonly database: string | undefined;
  readonly user: string | undefined;
  /** Not enumerable, as in the configuration. */
  readonly password: string | undefined;
}

/** The URL parts a replica URL may carry; the rest (TLS, timeouts, pool size, options) is the primary's. */
const REPLICA_URL_PARTS = new Set(["host", "port", "database", "user", "password"]);

/**
 * Parses the replica URLs, from the `replicas` option or `DATABASE_REPLICA_URLS` (comma-separated),
 * with the same allow-list parser as `DATABASE_URL`. A replica URL names a server: host, port, database,
 * user and password (database, user and password default to the primary's); a query parameter is
 * refused, because replicas take every other setting from the primary. Records problems in `issues`
 * under `variable`, naming the replica by position, never echoing the URL.
 */
export function parseReplicaUrls(urls: readonly string[], variable: string, issues: ConfigurationIssue[]): ReplicaTarget[] {
  const targets: ReplicaTarget[] = [];
  urls.forEach((url, index) => {
    const name = `${variable}[${index}]`;
    const parts = parseDatabaseUrl(url, name, issues);
    if (parts === undefined) return;
    const extra = Object.keys(parts).filter((key) => !REPLICA_URL_PARTS.has(key));
    if (extra.length > 0) {
      issues.push({
        variable: name,
        message: "has query parameters; a replica URL gives host, port, database, user and password only (every other setting is the primary's)",
      });
      return;
    }
    if (parts.host === undefined) {
      issues.push({ variable: name, message: "has no host (expected postgresql://user:password@host:port/database)" });
      return;
    }
    const target = { host: parts.host, port: parts.port, database: parts.database, user: parts.user };
    Object.defineProperty(target, "password", { value: parts.password, enumerable: false });
    targets.push(Object.freeze(target) as ReplicaTarget);
  });
  return targets;
}

/** Splits `DATABASE_REPLICA_URLS` at commas; blank entries are ignored. */
export function splitReplicaUrls(value: string): string[] {
  return value
    .split(",")
    .map((url) => url.trim())
    .filter((url) => url !== "");
}
