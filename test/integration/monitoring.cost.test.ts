import pg from "pg";
import { describe, expect } from "vitest";
import { checkDatabase } from "../../src/monitoring/check-database.ts";
import { getDatabaseReport } from "../../src/monitoring/database-report.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";
import { eventually } from "../support/eventually.ts";

const database = useTestDatabase();
const it = databaseTest(database);

/** Sequential scans of the schema's tables so far, as the statistics have them (the migrations table apart: `check` reads its few rows). */
async function seqScans(): Promise<number> {
  const [row] = await database.sql<{ scans: number }>(
    "SELECT coalesce(sum(seq_scan), 0)::int AS scans FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname <> '_prisma_migrations'",
  );
  return row!.scans;
}

describe("the report's cost", () => {
  it("reads no user table: no sequential scan of the schema's tables, bar check's read of the few rows of _prisma_migrations (a count(*) on the same connection shows up, so the measure works)", async () => {
    const db = await database.connect({ poolSize: 1 });
    try {
      const flush = () => db.pool.query("SELECT pg_stat_force_next_flush()");
      await flush();
      await new Promise((resolveDelay) => setTimeout(resolveDelay, 1_100));
      const before = await seqScans();
      for (let run = 0; run < 3; run++) await getDatabaseReport(db);
      await checkDatabase(db);
      await flush();
      await new Promise((resolveDelay) => setTimeout(resolveDelay, 1_500));
      expect(await seqScans()).toBe(before);

      await db.pool.query("SELECT count(*) FROM letters");
      await flush();
      expect(await eventually(seqScans, (scans) => scans > before)).toBe(before + 1);
    } finally {
      await db.close();
    }
  });

  it("each statement is bounded: a table locked ACCESS EXCLUSIVE costs its section (listed in problems, and a check breach) after the timeout, not the report", async ({ db }) => {
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE letter_products IN ACCESS EXCLUSIVE MODE");
      const started = performance.now();
      const report = await getDatabaseReport(db, { statementTimeoutMs: 300 });
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(report.problems).toContainEqual({ section: "tables", message: expect.stringMatching(/^not read within 300 ms \(SQLSTATE (57014|55P03), (statement|lock)_timeout\): a lock held/) });
      expect(report.connections).not.toBeNull();
      expect(report.database).not.toBeNull();

      const result = await checkDatabase(db, { statementTimeoutMs: 300 });
      expect(result.checks.report).toBe("breached");
      expect(result.breaches).toContainEqual(expect.objectContaining({ check: "report", subject: "tables", message: expect.stringMatching(/^could not read tables: /) }));
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }
  });
});
