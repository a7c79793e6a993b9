import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { DATABASE_DEFAULTS, resolveDatabaseConfig } from "../../src/config/database-config.ts";
import { ConfigurationError } from "../../src/errors.ts";

function configError(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error("expected a ConfigurationError");
}

describe("resolveDatabaseConfig", () => {
  it("applies the documented defaults", () => {
    const config = resolveDatabaseConfig({ env: { DB_HOST: "db", DB_NAME: "se_letters", DB_USER: "app" } });
    expect({ ...config }).toEqual({
      host: "db",
      port: 5432,
      database: "se_letters",
      user: "app",
      poolSize: 20,
      connectionTimeoutMs: 30_000,
      idleTimeoutMs: 300_000,
      statementTimeoutMs: 60_000,
      idleInTransactionTimeoutMs: 60_000,
      queryTimeoutMs: 70_000,
      sslMode: "disable",
      sslRootCert: undefined,
      sslCert: undefined,
      sslKey: undefined,
      applicationName: "se-letters-db",
      serverOptions: undefined,
      preparedStatements: true,
      pgbouncer: false,
      replicas: [],
      maxReplicaLagMs: 1_000,
      replicaCheckIntervalMs: 250,
    });
    expect(config.tlsFiles).toEqual({});
    expect(config.password).toBeUndefined();
    expect(DATABASE_DEFAULTS).toMatchObject({
      port: 5432,
      poolSize: 20,
      connectionTimeoutMs: 30_000,
      idleTimeoutMs: 300_000,
      statementTimeoutMs: 60_000,
      idleInTransactionTimeoutMs: 60_000,
      queryTimeoutMarginMs: 10_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("reads every DB_* variable, timeouts in seconds", () => {
    const config = resolveDatabaseConfig({
      env: {
        DB_HOST: "db.internal",
        DB_PORT: "6543",
        DB_NAME: "letters",
        DB_USER: "svc",
        DB_PASSWORD: "pa ss",
        DB_POOL_SIZE: "7",
        DB_CONNECTION_TIMEOUT: "2.5",
        DB_IDLE_TIMEOUT: "0",
        DB_STATEMENT_TIMEOUT: "12.5",
        DB_IDLE_IN_TRANSACTION_TIMEOUT: "0",
        DB_SSL_MODE: "verify-full",
        DB_PREPARED_STATEMENTS: "false",
      },
    });
    expect(config).toMatchObject({ statementTimeoutMs: 12_500, idleInTransactionTimeoutMs: 0 });
    expect(config).toMatchObject({ host: "db.internal", port: 6543, database: "letters", user: "svc", poolSize: 7 });
    expect(config).toMatchObject({ connectionTimeoutMs: 2500, idleTimeoutMs: 0, sslMode: "verify-full", preparedStatements: false });
    expect(config.password).toBe("pa ss");
  });

  it("reads DATABASE_URL with percent-encoded parts and ignores the DB_* connection variables", () => {
    const config = resolveDatabaseConfig({
      env: {
        DATABASE_URL: "postgresql://se%40user:p%2Fw%3Ad@pg.example:5433/se_letters?sslmode=require&application_name=web",
        DB_HOST: "ignored",
        DB_PASSWORD: "ignored",
        DB_POOL_SIZE: "3",
      },
    });
    expect(config).toMatchObject({ host: "pg.example", port: 5433, database: "se_letters", user: "se@user", poolSize: 3 });
    expect(config).toMatchObject({ sslMode: "require", applicationName: "web" });
    expect(config.password).toBe("p/w:d");
  });

  it("lets explicit options override the environment", () => {
    const config = resolveDatabaseConfig({
      databaseUrl: "postgres://a@h/db1",
      database: "db2",
      poolSize: 4,
      sslMode: "require",
      env: { DATABASE_URL: "postgres://b@other/db9", DB_POOL_SIZE: "50", DB_SSL_MODE: "disable" },
    });
    expect(config).toMatchObject({ host: "h", user: "a", database: "db2", poolSize: 4, sslMode: "require" });
  });

  it("names every missing variable when nothing is configured", () => {
    const error = configError(() => resolveDatabaseConfig({ env: {} }));
    expect(error.code).toBe("CONFIGURATION_INVALID");
    expect(error.issues.map((issue) => issue.variable)).toEqual(["DB_HOST", "DB_NAME", "DB_USER"]);
    expect(error.message).toContain("set DATABASE_URL, or DB_HOST, DB_NAME and DB_USER");
  });

  it("names each bad variable and what is allowed", () => {
    const error = configError(() =>
      resolveDatabaseConfig({
        env: {
          DB_HOST: "h",
          DB_NAME: "n",
          DB_USER: "u",
          DB_PORT: "99999",
          DB_POOL_SIZE: "ten",
          DB_CONNECTION_TIMEOUT: "-1",
          DB_IDLE_TIMEOUT: "soon",
          DB_STATEMENT_TIMEOUT: "5s",
          DB_IDLE_IN_TRANSACTION_TIMEOUT: "-3",
          DB_SSL_MODE: "prefer",
          DB_PREPARED_STATEMENTS: "no",
        },
      }),
    );
    const byVariable = Object.fromEntries(error.issues.map((issue) => [issue.variable, issue.message]));
    expect(Object.keys(byVariable).sort()).toEqual([
      "DB_CONNECTION_TIMEOUT",
      "DB_IDLE_IN_TRANSACTION_TIMEOUT",
      "DB_IDLE_TIMEOUT",
      "DB_POOL_SIZE",
      "DB_PORT",
      "DB_PREPARED_STATEMENTS",
      "DB_SSL_MODE",
      "DB_STATEMENT_TIMEOUT",
    ]);
    expect(byVariable["DB_STATEMENT_TIMEOUT"]).toBe('must be a number of seconds from 0 to 86400, got "5s"');
    expect(byVariable["DB_IDLE_IN_TRANSACTION_TIMEOUT"]).toBe('must be a number of seconds from 0 to 86400, got "-3"');
    expect(byVariable["DB_PREPARED_STATEMENTS"]).toBe('must be true or false, got "no"');
    expect(byVariable["DB_PORT"]).toBe('must be a whole number from 1 to 65535, got "99999"');
    expect(byVariable["DB_POOL_SIZE"]).toContain("whole number from 1 to 1000");
    expect(byVariable["DB_CONNECTION_TIMEOUT"]).toContain("number of seconds");
    expect(byVariable["DB_SSL_MODE"]).toBe('must be one of disable, require, verify-ca, verify-full, got "prefer"');
  });

  it("rejects bad option values by option name", () => {
    const error = configError(() =>
      resolveDatabaseConfig({
        databaseUrl: "postgres://u@h/d",
        poolSize: 0,
        port: 1.5,
        preparedStatements: "yes" as unknown as boolean,
        statementTimeoutMs: -1,
        idleInTransactionTimeoutMs: 0.5,
        env: {},
      }),
    );
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual([
      "idleInTransactionTimeoutMs",
      "poolSize",
      "port",
      "preparedStatements",
      "statementTimeoutMs",
    ]);
  });

  it.each([
    ["not a url", "is not a valid URL"],
    ["mysql://u:pw@h/d", "must start with postgresql://"],
    ["postgresql://u:pw@h", "has no database name"],
    ["postgresql://h/d", "has no user name"],
    ["postgresql://u:pw@h/d?keepalives=1", 'unsupported parameter "keepalives"'],
    ["postgresql://u:pw@h/d?sslmode=prefer", 'sslmode="prefer"'],
    ["postgresql://u:pw@h/d?schema=other", "only the public schema"],
  ])("explains a bad DATABASE_URL %s", (url, expected) => {
    const error = configError(() => resolveDatabaseConfig({ env: { DATABASE_URL: url } }));
    expect(error.issues[0]?.variable).toBe("DATABASE_URL");
    expect(error.message).toContain(expected);
  });

  it("never shows the password or the URL, in errors or when the config is printed", () => {
    const secret = "Sup3r-Secret-pw";
    const error = configError(() => resolveDatabaseConfig({ env: { DATABASE_URL: `postgresql://u:${secret}@h:notaport/d` } }));
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain("postgresql://u:");

    const config = resolveDatabaseConfig({ env: { DATABASE_URL: `postgresql://u:${secret}@h/d` } });
    expect(config.password).toBe(secret);
    expect(JSON.stringify(config)).not.toContain(secret);
    expect(inspect(config)).not.toContain(secret);
    expect(`${Object.values(config).join(" ")}`).not.toContain(secret);
  });
});
