import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { resolveDatabaseConfig } from "../../src/config/database-config.ts";
import { resolveDirectDatabaseConfig } from "../../src/config/direct-database-config.ts";
import { poolConfigFor, maintenanceSessionConfigFor } from "../../src/connection/pool-config.ts";
import { ConfigurationError } from "../../src/errors.ts";

const PRIMARY = "postgresql://app:primary-secret@primary:5432/letters";

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigurationError) return error.issues.map((issue) => `${issue.variable}: ${issue.message}`);
    throw error;
  }
  throw new Error("expected a ConfigurationError");
}

describe("read replicas in the configuration", () => {
  it("reads DATABASE_REPLICA_URLS, comma-separated; each replica takes the primary's settings and its own server", () => {
    const config = resolveDatabaseConfig({
      databaseUrl: `${PRIMARY}?connect_timeout=7`,
      env: { DATABASE_REPLICA_URLS: " postgresql://r1:5433 , ,postgresql://reader:other-secret@r2/letters_copy ", DB_POOL_SIZE: "9" },
    });
    expect(config.replicas.map((replica) => ({ ...replica }))).toEqual([
      expect.objectContaining({ host: "r1", port: 5433, database: "letters", user: "app", poolSize: 9, connectionTimeoutMs: 7000, applicationName: "se-letters-db replica 1", replicas: [] }),
      expect.objectContaining({ host: "r2", port: 5432, database: "letters_copy", user: "reader", applicationName: "se-letters-db replica 2" }),
    ]);
    // The primary's password for the primary's user; the URL's own otherwise; never enumerable.
    expect(config.replicas[0]?.password).toBe("primary-secret");
    expect(config.replicas[1]?.password).toBe("other-secret");
    expect(inspect(config, { depth: 5 }) + JSON.stringify(config)).not.toMatch(/secret/);
  });

  it("takes the replicas option over the environment, and none by default", () => {
    expect(resolveDatabaseConfig({ databaseUrl: PRIMARY, env: {} }).replicas).toEqual([]);
    const config = resolveDatabaseConfig({ databaseUrl: PRIMARY, replicas: ["postgresql://a/letters"], env: { DATABASE_REPLICA_URLS: "postgresql://b/letters" } });
    expect(config.replicas.map((replica) => replica.host)).toEqual(["a"]);
  });

  it("refuses a replica URL with parameters or without a host, naming it by position and never echoing it", () => {
    const issues = issuesOf(() =>
      resolveDatabaseConfig({ databaseUrl: PRIMARY, env: { DATABASE_REPLICA_URLS: "postgresql://u:pw-secret@r1/db?sslmode=require,mysql://x,postgresql:///db" } }),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^DATABASE_REPLICA_URLS\[0\]: has query parameters/),
      expect.stringMatching(/^DATABASE_REPLICA_URLS\[1\]: must start with postgresql:\/\//),
      expect.stringMatching(/^DATABASE_REPLICA_URLS\[2\]: (has no host|is not a valid URL)/),
    ]);
    expect(issues.join("\n")).not.toContain("pw-secret");
  });

  it("reads the lag bound and the measuring interval in seconds from the environment, in milliseconds from options", () => {
    expect(resolveDatabaseConfig({ databaseUrl: PRIMARY, env: { DB_REPLICA_MAX_LAG: "2.5", DB_REPLICA_CHECK_INTERVAL: "0.1" } })).toMatchObject({
      maxReplicaLagMs: 2500,
      replicaCheckIntervalMs: 100,
    });
    expect(resolveDatabaseConfig({ databaseUrl: PRIMARY, maxReplicaLagMs: 0, replicaCheckIntervalMs: 50, env: {} })).toMatchObject({
      maxReplicaLagMs: 0,
      replicaCheckIntervalMs: 50,
    });
    expect(issuesOf(() => resolveDatabaseConfig({ databaseUrl: PRIMARY, replicaCheckIntervalMs: 0, env: { DB_REPLICA_MAX_LAG: "soon" } }))).toEqual([
      expect.stringMatching(/^DB_REPLICA_MAX_LAG: must be a number of seconds/),
      expect.stringMatching(/^replicaCheckIntervalMs: must be a whole number from 1/),
    ]);
  });
});

describe("PgBouncer in the configuration", () => {
  it("is on with the URL's pgbouncer=true, DB_PGBOUNCER or the option, and turns prepared statements off unless told otherwise", () => {
    expect(resolveDatabaseConfig({ databaseUrl: `${PRIMARY}?pgbouncer=true`, env: {} })).toMatchObject({ pgbouncer: true, preparedStatements: false });
    expect(resolveDatabaseConfig({ databaseUrl: PRIMARY, env: { DB_PGBOUNCER: "true" } })).toMatchObject({ pgbouncer: true, preparedStatements: false });
    expect(resolveDatabaseConfig({ databaseUrl: `${PRIMARY}?pgbouncer=true`, pgbouncer: false, env: {} })).toMatchObject({ pgbouncer: false, preparedStatements: true });
    // PgBouncer 1.21+ with max_prepared_statements carries them: the caller may say so.
    expect(resolveDatabaseConfig({ databaseUrl: `${PRIMARY}?pgbouncer=true`, env: { DB_PREPARED_STATEMENTS: "true" } })).toMatchObject({
      pgbouncer: true,
      preparedStatements: true,
    });
    expect(resolveDatabaseConfig({ databaseUrl: PRIMARY, env: {} }).pgbouncer).toBe(false);
  });

  it("sends only the startup parameters PgBouncer accepts, and sets UTC by SET instead", () => {
    const pool = poolConfigFor(resolveDatabaseConfig({ databaseUrl: `${PRIMARY}?pgbouncer=true`, env: {} }));
    expect(pool).not.toHaveProperty("options");
    expect(pool).not.toHaveProperty("statement_timeout");
    expect(pool).not.toHaveProperty("idle_in_transaction_session_timeout");
    expect(pool).toMatchObject({ application_name: "se-letters-db", timeZoneBySet: true });
    expect(poolConfigFor(resolveDatabaseConfig({ databaseUrl: PRIMARY, env: {} }))).toMatchObject({ options: "-c TimeZone=UTC" });
  });

  it("refuses server options with pgbouncer: PgBouncer in transaction mode cannot carry them", () => {
    expect(issuesOf(() => resolveDatabaseConfig({ databaseUrl: `${PRIMARY}?pgbouncer=true&options=-c%20lock_timeout%3D5s`, env: {} }))).toEqual([
      expect.stringMatching(/^databaseUrl: sets server options, which PgBouncer in transaction mode cannot carry/),
    ]);
  });

  it("gives migrations and imports DIRECT_DATABASE_URL before DATABASE_URL, and an explicit databaseUrl before both", () => {
    const env = { DATABASE_URL: "postgresql://app@bouncer:6432/letters?pgbouncer=true", DIRECT_DATABASE_URL: "postgresql://owner@primary:5432/letters" };
    expect(resolveDirectDatabaseConfig({ env })).toMatchObject({ host: "primary", user: "owner", pgbouncer: false });
    expect(resolveDirectDatabaseConfig({ env: { DATABASE_URL: env.DATABASE_URL } })).toMatchObject({ host: "bouncer", pgbouncer: true });
    expect(resolveDirectDatabaseConfig({ databaseUrl: "postgresql://x@explicit/letters", env })).toMatchObject({ host: "explicit" });
    // A maintenance session's settings are a direct session's, UTC by startup options.
    expect(maintenanceSessionConfigFor(resolveDirectDatabaseConfig({ env }))).toMatchObject({ options: "-c TimeZone=UTC" });
  });
});
