import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { poolConfigFor } from "../../src/connection/pool-config.ts";
import { resolveDatabaseConfig } from "../../src/config/database-config.ts";
import { ConfigurationError } from "../../src/errors.ts";

const folder = mkdtempSync(join(tmpdir(), "se-letters-db-config-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const CERTIFICATE = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const KEY_SECRET = "Very-Private-Key-Material";
const KEY = `-----BEGIN PRIVATE KEY-----\n${KEY_SECRET}\n-----END PRIVATE KEY-----\n`;
const file = (name: string, content: string): string => {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
};
const ca = file("ca.pem", CERTIFICATE);
const cert = file("client.pem", CERTIFICATE);
const key = file("client.key", KEY);

function issuesOf(run: () => unknown): Record<string, string> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return Object.fromEntries((error as ConfigurationError).issues.map((issue) => [issue.variable, issue.message]));
  }
  throw new Error("expected a ConfigurationError");
}

describe("resolveDatabaseConfig: libpq and Prisma URL parameters", () => {
  it("reads sslrootcert, sslcert, sslkey, connect_timeout, options and application_name", () => {
    const url =
      `postgresql://app:pw@db.example:6432/letters?sslmode=verify-full&sslrootcert=${encodeURIComponent(ca)}` +
      `&sslcert=${encodeURIComponent(cert)}&sslkey=${encodeURIComponent(key)}&connect_timeout=7` +
      `&options=${encodeURIComponent("-c lock_timeout=5s --search_path=public")}&application_name=worker`;
    const config = resolveDatabaseConfig({ databaseUrl: url, env: {} });
    expect(config).toMatchObject({
      host: "db.example",
      port: 6432,
      sslMode: "verify-full",
      sslRootCert: ca,
      sslCert: cert,
      sslKey: key,
      connectionTimeoutMs: 7000,
      serverOptions: "-c lock_timeout=5s --search_path=public",
      applicationName: "worker",
    });
    expect(config.tlsFiles).toEqual({ ca: CERTIFICATE, cert: CERTIFICATE, key: KEY });
    const pool = poolConfigFor(config);
    expect(pool.options).toBe("-c lock_timeout=5s --search_path=public -c TimeZone=UTC");
    expect(pool.ssl).toMatchObject({ ca: CERTIFICATE, cert: CERTIFICATE, rejectUnauthorized: true });
    expect((pool.ssl as { key?: string }).key).toBe(KEY);
    expect((pool.ssl as { checkServerIdentity?: unknown }).checkServerIdentity).toBeUndefined();
  });

  it("never shows the client key when the configuration or the pool settings are printed", () => {
    const config = resolveDatabaseConfig({ databaseUrl: "postgresql://u@h/d", sslMode: "verify-ca", sslCert: cert, sslKey: key, env: {} });
    const pool = poolConfigFor(config);
    for (const printed of [JSON.stringify(config), inspect(config, { depth: 5 }), JSON.stringify(pool), inspect(pool, { depth: 5 })]) {
      expect(printed).not.toContain(KEY_SECRET);
    }
  });

  it("maps Prisma's connection_limit and pool_timeout to the pool size and connection timeout", () => {
    const config = resolveDatabaseConfig({ databaseUrl: "postgresql://u@h/d?connection_limit=5&pool_timeout=12&schema=public", env: {} });
    expect(config).toMatchObject({ poolSize: 5, connectionTimeoutMs: 12_000, preparedStatements: true });
  });

  it("turns prepared statements off for Prisma's pgbouncer=true, unless DB_PREPARED_STATEMENTS says otherwise", () => {
    expect(resolveDatabaseConfig({ databaseUrl: "postgresql://u@h/d?pgbouncer=true", env: {} }).preparedStatements).toBe(false);
    expect(resolveDatabaseConfig({ databaseUrl: "postgresql://u@h/d?pgbouncer=false", env: {} }).preparedStatements).toBe(true);
    expect(resolveDatabaseConfig({ databaseUrl: "postgresql://u@h/d?pgbouncer=true", env: { DB_PREPARED_STATEMENTS: "true" } }).preparedStatements).toBe(true);
  });

  it("lets DB_POOL_SIZE and DB_CONNECTION_TIMEOUT, then options, override the URL's parameters", () => {
    const url = "postgresql://u@h/d?connection_limit=5&connect_timeout=12";
    expect(resolveDatabaseConfig({ databaseUrl: url, env: { DB_POOL_SIZE: "9", DB_CONNECTION_TIMEOUT: "3" } })).toMatchObject({
      poolSize: 9,
      connectionTimeoutMs: 3000,
    });
    expect(resolveDatabaseConfig({ databaseUrl: url, poolSize: 2, connectionTimeoutMs: 500, env: { DB_POOL_SIZE: "9" } })).toMatchObject({
      poolSize: 2,
      connectionTimeoutMs: 500,
    });
  });

  it("reads a unix socket folder as the host, from ?host= or a percent-encoded host", () => {
    expect(resolveDatabaseConfig({ databaseUrl: "postgresql://u@/d?host=/var/run/postgresql", env: {} })).toMatchObject({
      host: "/var/run/postgresql",
      user: "u",
      database: "d",
    });
    expect(resolveDatabaseConfig({ databaseUrl: "postgresql://u:pw@%2Ftmp%2Fpg/d", env: {} }).host).toBe("/tmp/pg");
  });

  it("takes the TLS files from DB_SSL_ROOT_CERT, DB_SSL_CERT and DB_SSL_KEY", () => {
    const config = resolveDatabaseConfig({
      env: { DB_HOST: "h", DB_NAME: "d", DB_USER: "u", DB_SSL_MODE: "verify-full", DB_SSL_ROOT_CERT: ca, DB_SSL_CERT: cert, DB_SSL_KEY: key },
    });
    expect(config).toMatchObject({ sslRootCert: ca, sslCert: cert, sslKey: key });
    expect(config.tlsFiles.ca).toBe(CERTIFICATE);
  });

  it("checks the server's certificate against a given CA even in require mode, as libpq does", () => {
    const withCa = poolConfigFor(resolveDatabaseConfig({ databaseUrl: `postgresql://u@h/d?sslmode=require&sslrootcert=${ca}`, env: {} }));
    expect(withCa.ssl).toMatchObject({ ca: CERTIFICATE, rejectUnauthorized: true });
    const withoutCa = poolConfigFor(resolveDatabaseConfig({ databaseUrl: "postgresql://u@h/d?sslmode=require", env: {} }));
    expect(withoutCa.ssl).toMatchObject({ rejectUnauthorized: false });
  });

  it("reads sslrootcert=system as Node's trust store, with verify-full only, as libpq does", () => {
    const config = resolveDatabaseConfig({ databaseUrl: "postgresql://u@h/d?sslmode=verify-full&sslrootcert=system", env: {} });
    expect(config.sslRootCert).toBe("system");
    expect(config.tlsFiles).toEqual({});
    expect(poolConfigFor(config).ssl).toEqual({ rejectUnauthorized: true });
    expect(issuesOf(() => resolveDatabaseConfig({ databaseUrl: "postgresql://u@h/d?sslmode=verify-ca&sslrootcert=system", env: {} }))).toEqual({
      "databaseUrl sslrootcert": 'is "system", which needs the TLS mode verify-full (got verify-ca), as in libpq',
    });
  });

  it("names a missing, unreadable or non-PEM TLS file by its variable and path, never the key's content", () => {
    const notPem = file("not-a-key.pem", `just text ${KEY_SECRET}`);
    const issues = issuesOf(() =>
      resolveDatabaseConfig({
        env: {
          DB_HOST: "h",
          DB_NAME: "d",
          DB_USER: "u",
          DB_SSL_MODE: "verify-full",
          DB_SSL_ROOT_CERT: join(folder, "missing-ca.pem"),
          DB_SSL_CERT: folder,
          DB_SSL_KEY: notPem,
        },
      }),
    );
    expect(issues["DB_SSL_ROOT_CERT"]).toBe(`cannot be read from ${JSON.stringify(join(folder, "missing-ca.pem"))}: no such file (ENOENT)`);
    expect(issues["DB_SSL_CERT"]).toBe(`cannot be read from ${JSON.stringify(folder)}: it is a directory (EISDIR)`);
    expect(issues["DB_SSL_KEY"]).toBe(`${JSON.stringify(notPem)} is not a PEM file holding a private key`);
    expect(JSON.stringify(issues)).not.toContain(KEY_SECRET);
  });

  it("refuses TLS files when TLS is disabled, and a certificate without its key", () => {
    expect(issuesOf(() => resolveDatabaseConfig({ env: { DATABASE_URL: `postgresql://u@h/d?sslrootcert=${ca}` } }))).toEqual({
      "DATABASE_URL sslrootcert": "is set but TLS is disabled (set the TLS mode to require, verify-ca or verify-full, or remove it)",
    });
    expect(issuesOf(() => resolveDatabaseConfig({ databaseUrl: "postgresql://u@h/d", sslMode: "require", sslCert: cert, env: {} }))).toEqual({
      sslCert: "is set without the client key: a client certificate needs both",
    });
  });

  it.each([
    ["options=-c%20TimeZone%3DEurope%2FParis", 'sets TimeZone="Europe/Paris" in options'],
    ["options=--timezone%3DAmerica%2FNew_York", 'sets TimeZone="America/New_York" in options'],
    ["options=-ctimezone%3DCET", 'sets TimeZone="CET" in options'],
    ["options=-c%20x%3Dy%5C", "ending in a lone backslash"],
    ["connect_timeout=0", 'has connect_timeout="0"; must be a whole number of seconds from 1 to 86400'],
    ["pool_timeout=soon", 'has pool_timeout="soon"'],
    ["connect_timeout=5&pool_timeout=10", "has connect_timeout=5 and pool_timeout=10: both set the one connection timeout"],
    ["connection_limit=0", 'has connection_limit="0"; must be a whole number from 1 to 1000'],
    ["host=a,b", "names several hosts"],
    ["pgbouncer=1", 'has pgbouncer="1"; must be true or false'],
    ["target_session_attrs=read-write", 'unsupported parameter "target_session_attrs" (supported: host, sslmode, sslrootcert'],
  ])("explains the URL parameter %s", (query, expected) => {
    const issues = issuesOf(() => resolveDatabaseConfig({ databaseUrl: `postgresql://u:Secret-pw-1@h/d?${query}`, env: {} }));
    expect(issues["databaseUrl"]).toContain(expected);
    expect(JSON.stringify(issues)).not.toContain("Secret-pw-1");
  });

  it("accepts TimeZone=UTC in options, and refuses another TimeZone given as an option", () => {
    expect(resolveDatabaseConfig({ databaseUrl: "postgresql://u@h/d?options=-c%20TimeZone%3Dutc", env: {} }).serverOptions).toBe("-c TimeZone=utc");
    expect(issuesOf(() => resolveDatabaseConfig({ databaseUrl: "postgresql://u@h/d", serverOptions: "-c TimeZone=Asia/Tokyo", env: {} }))).toEqual({
      serverOptions: 'sets TimeZone="Asia/Tokyo" in options; sessions of this package always run in UTC (remove it)',
    });
  });
});
