import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase } from "../../src/client/database-client.ts";
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from "../../src/embedded/embedded-postgres-server.ts";
import { checkDatabase } from "../../src/monitoring/check-database.ts";
import { getDatabaseReport } from "../../src/monitoring/database-report.ts";

// A server of this file's own, started with pg_stat_statements preloaded (the embedded binaries ship it):
// the shared server's configuration is never changed.
let server: EmbeddedPostgresServer;
const folder = mkdtempSync(join(tmpdir(), "se-letters-monitor-statements-"));

beforeAll(async () => {
  chmodSync(folder, 0o755); // as root the server runs as the postgres user, which must reach its data
  server = await startEmbeddedPostgres({
    dataDirectory: join(folder, "postgres"),
    database: "statements",
    postgresFlags: ["-c", "shared_preload_libraries=pg_stat_statements", "-c", "fsync=off"],
  });
});

afterAll(async () => {
  await server?.stop();
  rmSync(folder, { recursive: true, force: true });
});

async function sql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

describe("statement statistics", () => {
  it("preloaded but not created: one note saying to run CREATE EXTENSION, no error; created: the slowest and most time-consuming statements, normalised", async () => {
    const db = await connectDatabase({ databaseUrl: server.url, env: {} });
    try {
      const before = await getDatabaseReport(db);
      expect(before.problems).toEqual([]);
      expect(before.statements).toEqual({ available: false, note: "Statement statistics are off: run CREATE EXTENSION pg_stat_statements in this database." });

      await sql("CREATE EXTENSION pg_stat_statements");
      await sql("CREATE TABLE monitor_numbers AS SELECT n FROM generate_series(1, 1000) AS n");
      for (const limit of [10, 20, 30]) await sql(`SELECT count(*) FROM monitor_numbers WHERE n < ${limit} AND pg_sleep(0.05) IS NOT NULL`);

      const report = await getDatabaseReport(db, { statementLimit: 3 });
      expect(report.problems).toEqual([]);
      if (report.statements?.available !== true) throw new Error(`statements not available: ${JSON.stringify(report.statements)}`);
      expect(report.statements.slowest).toHaveLength(3);
      const sleeper = report.statements.slowest.find((statement) => statement.query.includes("monitor_numbers WHERE n <"));
      expect(sleeper).toMatchObject({ query: "SELECT count(*) FROM monitor_numbers WHERE n < $1 AND pg_sleep($2) IS NOT NULL", calls: 3 });
      expect(sleeper!.meanMs).toBeGreaterThan(40);
      expect(sleeper!.totalMs).toBeGreaterThan(3 * 40);
      expect(report.statements.mostTime.map((statement) => statement.query)).toContain(sleeper!.query);

      const result = await checkDatabase(db);
      expect(result.notices.filter((notice) => notice.includes("pg_stat_statements"))).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
