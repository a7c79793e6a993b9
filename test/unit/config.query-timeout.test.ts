import { describe, expect, it } from "vitest";
import { DATABASE_DEFAULTS, resolveDatabaseConfig } from "../../src/config/database-config.ts";
import { ConfigurationError } from "../../src/errors.ts";

const url = "postgresql://app@db.internal:5432/letters";

describe("queryTimeoutMs (the client's bound on waiting for an answer)", () => {
  it("defaults to the statement timeout plus a margin (70 s), reads DB_QUERY_TIMEOUT in seconds, and the option overrides it", () => {
    expect(DATABASE_DEFAULTS.statementTimeoutMs + DATABASE_DEFAULTS.queryTimeoutMarginMs).toBe(70_000);
    expect(resolveDatabaseConfig({ databaseUrl: url, env: {} }).queryTimeoutMs).toBe(70_000);
    expect(resolveDatabaseConfig({ databaseUrl: url, env: { DB_STATEMENT_TIMEOUT: "5" } }).queryTimeoutMs).toBe(15_000);
    expect(resolveDatabaseConfig({ databaseUrl: url, env: { DB_STATEMENT_TIMEOUT: "0" } }).queryTimeoutMs).toBe(0);
    expect(resolveDatabaseConfig({ databaseUrl: url, env: { DB_STATEMENT_TIMEOUT: "1", DB_QUERY_TIMEOUT: "2.5" } }).queryTimeoutMs).toBe(2_500);
    expect(resolveDatabaseConfig({ databaseUrl: url, env: { DB_QUERY_TIMEOUT: "90" }, statementTimeoutMs: 0, queryTimeoutMs: 700 }).queryTimeoutMs).toBe(700);
  });

  it("must be longer than the statement timeout when both are set, naming the variable", () => {
    const error = (() => {
      try {
        return resolveDatabaseConfig({ databaseUrl: url, env: { DB_STATEMENT_TIMEOUT: "30", DB_QUERY_TIMEOUT: "30" } });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).issues).toEqual([
      { variable: "DB_QUERY_TIMEOUT", message: expect.stringMatching(/must be longer than the statement timeout/) as unknown as string },
    ]);
    expect(() => resolveDatabaseConfig({ databaseUrl: url, env: {}, statementTimeoutMs: 5_000, queryTimeoutMs: 1_000 })).toThrow(/queryTimeoutMs: must be longer/);
    expect(resolveDatabaseConfig({ databaseUrl: url, env: {}, statementTimeoutMs: 5_000, queryTimeoutMs: 10_000 }).queryTimeoutMs).toBe(10_000);
    expect(resolveDatabaseConfig({ databaseUrl: url, env: {}, statementTimeoutMs: 5_000 }).queryTimeoutMs).toBe(15_000);
    // Against the default statement timeout too (60 s), when only the query timeout is given.
    expect(() => resolveDatabaseConfig({ databaseUrl: url, env: { DB_QUERY_TIMEOUT: "30" } })).toThrow(/DB_QUERY_TIMEOUT: must be longer than the statement timeout \(60000 ms\)/);
    expect(resolveDatabaseConfig({ databaseUrl: url, env: { DB_STATEMENT_TIMEOUT: "0", DB_QUERY_TIMEOUT: "30" } }).queryTimeoutMs).toBe(30_000);
  });

  it("refuses what is not a number of seconds", () => {
    expect(() => resolveDatabaseConfig({ databaseUrl: url, env: { DB_QUERY_TIMEOUT: "soon" } })).toThrow(/DB_QUERY_TIMEOUT: must be a number of seconds/);
    expect(() => resolveDatabaseConfig({ databaseUrl: url, env: {}, queryTimeoutMs: -1 })).toThrow(/queryTimeoutMs: must be a whole number/);
  });
});
