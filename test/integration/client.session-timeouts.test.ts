import { describe, expect } from "vitest";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const it = databaseTest(database);

const setting = async (db: Awaited<ReturnType<typeof database.connect>>, name: string): Promise<string | undefined> =>
  (await db.pool.query<{ value: string }>("SELECT current_setting($1) AS value", [name])).rows[0]?.value;

describe("connectDatabase: session timeouts", () => {
  it("sets idle_in_transaction_session_timeout and statement_timeout to a minute by default", async ({ db }) => {
    expect(await setting(db, "idle_in_transaction_session_timeout")).toBe("1min");
    expect(await setting(db, "statement_timeout")).toBe("1min");
  });

  it("cancels a statement that runs past statementTimeoutMs", async () => {
    const db = await database.connect({ statementTimeoutMs: 200 });
    try {
      expect(await setting(db, "statement_timeout")).toBe("200ms");
      await expect(db.pool.query("SELECT pg_sleep(5)")).rejects.toMatchObject({ code: "57014" });
    } finally {
      await db.close();
    }
  });

  it("ends a session left idle in a transaction past idleInTransactionTimeoutMs", async () => {
    const db = await database.connect({ idleInTransactionTimeoutMs: 200, poolSize: 1, onPoolError: () => undefined });
    try {
      const client = await db.pool.connect();
      const ended = new Promise<Error>((resolveEnded) => client.once("error", resolveEnded));
      await client.query("BEGIN");
      const error = await ended;
      client.release(error);
      expect(String(error.message)).toMatch(/idle-in-transaction timeout|terminat/i);
    } finally {
      await db.close();
    }
  });
});
