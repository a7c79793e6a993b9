import { describe, expect, it } from "vitest";
import { maintenanceSessionConfigFor, poolConfigFor } from "../../src/connection/pool-config.ts";
import { resolveDatabaseConfig } from "../../src/config/database-config.ts";

describe("poolConfigFor", () => {
  it("passes the statement and idle-in-transaction timeouts to node-postgres in milliseconds", () => {
    const config = resolveDatabaseConfig({
      databaseUrl: "postgresql://u@h/d",
      env: { DB_STATEMENT_TIMEOUT: "15", DB_IDLE_IN_TRANSACTION_TIMEOUT: "2.5" },
    });
    expect(poolConfigFor(config)).toMatchObject({ statement_timeout: 15_000, idle_in_transaction_session_timeout: 2_500 });
  });

  it("sends the defaults: a minute for a statement, a minute idle in a transaction", () => {
    const config = resolveDatabaseConfig({ databaseUrl: "postgresql://u@h/d", env: {} });
    expect(poolConfigFor(config)).toMatchObject({ statement_timeout: 60_000, idle_in_transaction_session_timeout: 60_000 });
  });

  it("leaves the package's statement and idle-in-transaction timeouts out of migration and import sessions", () => {
    const config = resolveDatabaseConfig({ databaseUrl: "postgresql://u@h/d", env: { DB_STATEMENT_TIMEOUT: "15" } });
    const session = maintenanceSessionConfigFor(config);
    expect(session).not.toHaveProperty("statement_timeout");
    expect(session).not.toHaveProperty("idle_in_transaction_session_timeout");
    expect(session).toMatchObject({ host: "h", database: "d", user: "u", options: poolConfigFor(config).options });
  });
});
