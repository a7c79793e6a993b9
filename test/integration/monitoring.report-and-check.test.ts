import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect } from "vitest";
import { defaultMigrationsDirectory } from "../../src/migrate/migration-files.ts";
import { checkDatabase } from "../../src/monitoring/check-database.ts";
import { getDatabaseReport, type DatabaseReport } from "../../src/monitoring/database-report.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";
import { eventually } from "../support/eventually.ts";

const database = useTestDatabase();
const it = databaseTest(database);

/** A session of its own on the test database, ended after `work` whatever happened. */
async function withSession<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const sleep = (ms: number) => new Promise((resolveDelay) => setTimeout(resolveDelay, ms));

describe("getDatabaseReport and checkDatabase", () => {
  it("report a healthy database: every section read, the four tables and their indexes, statement statistics off with a note, no breach", async ({ db }) => {
    const report = await getDatabaseReport(db);
    expect(report).toMatchObject({ version: 1, schema: "public", problems: [], lockWaits: [], replicas: [] });
    expect(report.tables.map((table) => table.name).sort()).toEqual(["_prisma_migrations", "letter_product_matches", "letter_products", "letters", "processing_debug"]);
    expect(report.indexes.some((index) => index.table === "letters" && index.unique)).toBe(true);
    expect(report.database).toMatchObject({ name: database.name, inRecovery: false });
    expect(report.database!.sizeBytes).toBeGreaterThan(0);
    expect(report.database!.transactionIdAge).toBeGreaterThan(0);
    expect(report.connections!.maxConnections).toBeGreaterThan(0);
    expect(report.connections!.pool.max).toBe(db.config.poolSize);
    expect(report.connections!.byApplication.some((group) => group.applicationName === "se-letters-db monitoring")).toBe(true);
    expect(report.statements).toEqual({ available: false, note: expect.stringMatching(/shared_preload_libraries.*CREATE EXTENSION pg_stat_statements/) });

    // Connections, transactions and lock waits are the whole server's, shared with test files running meanwhile: only this database's checks are judged.
    const result = await checkDatabase(db);
    expect(result).toMatchObject({
      version: 1,
      checks: { reachable: "ok", report: "ok", "dead-rows": "ok", "transaction-id-age": "ok", migrations: "ok", "replica-lag": "ok" },
    });
    expect(result.notices).toContain(report.statements!.available === false ? report.statements!.note : "");
  });

  it("an idle-in-transaction session and a lock wait: reported with who waits on whom and for how long, and alerted", async ({ db }) => {
    await database.sql("CREATE TABLE monitor_locked (id int PRIMARY KEY, note text); INSERT INTO monitor_locked VALUES (1, 'a')");
    await withSession(async (holder) => {
      await holder.query("SET application_name = 'monitor-holder'");
      await holder.query("BEGIN");
      await holder.query("SELECT * FROM monitor_locked WHERE id = 1 FOR UPDATE");
      const holderPid = (await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
      await withSession(async (waiter) => {
        await waiter.query("SET application_name = 'monitor-waiter'");
        const waiterPid = (await waiter.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
        const blocked = waiter.query("UPDATE monitor_locked SET note = 'b' WHERE id = 1");
        await sleep(1_200);

        const report = await getDatabaseReport(db);
        const wait = report.lockWaits.find((candidate) => candidate.waiting.pid === waiterPid);
        expect(wait).toMatchObject({ waiting: { applicationName: "monitor-waiter", query: "UPDATE monitor_locked SET note = 'b' WHERE id = 1" }, lockType: "transactionid", mode: "ShareLock" });
        expect(wait!.waitSeconds).toBeGreaterThan(1);
        expect(wait!.blockedBy).toEqual([expect.objectContaining({ pid: holderPid, applicationName: "monitor-holder", state: "idle in transaction" })]);
        const idle = report.connections!.oldestIdleInTransaction;
        expect(idle?.stateSeconds).toBeGreaterThan(1);

        const result = await checkDatabase(db, { thresholds: { maxLockWaitSeconds: 1, maxIdleInTransactionSeconds: 1, maxTransactionSeconds: 1 } });
        expect(result.healthy).toBe(false);
        const mine = result.breaches.filter((breach) => breach.subject?.includes("monitor-"));
        expect(mine).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ check: "lock-wait", subject: `pid ${waiterPid} (monitor-waiter)`, threshold: 1, message: expect.stringContaining(`blocked by pid ${holderPid} (monitor-holder)`) }),
            expect.objectContaining({ check: "idle-in-transaction", threshold: 1 }),
          ]),
        );
        expect(result.checks["lock-wait"]).toBe("breached");
        await holder.query("ROLLBACK");
        await blocked;
      });
    });
  });

  it("an unused index and dead rows after a bulk delete: reported, the index as a notice, the dead rows alerted (never vacuumed)", async ({ db }) => {
    await database.sql(`CREATE TABLE monitor_churn (id int PRIMARY KEY, note text) WITH (autovacuum_enabled = false);
      CREATE INDEX monitor_churn_note ON monitor_churn (note);
      INSERT INTO monitor_churn SELECT n, 'note ' || n FROM generate_series(1, 3000) AS n`);
    await withSession(async (client) => {
      await client.query("DELETE FROM monitor_churn WHERE id <= 2000");
      await client.query("SELECT pg_stat_force_next_flush()");
    });
    const churn = (report: DatabaseReport) => report.tables.find((table) => table.name === "monitor_churn");
    const report = await eventually(() => getDatabaseReport(db), (candidate) => (churn(candidate)?.deadRows ?? 0) >= 2000);
    expect(churn(report)).toMatchObject({ liveRows: 1000, deadRows: 2000, lastVacuum: null, lastAutovacuum: null });
    expect(churn(report)!.deadRatio).toBeCloseTo(2 / 3);
    expect(churn(report)!.tableBytes).toBeGreaterThan(0);
    expect(report.indexes.find((index) => index.name === "monitor_churn_note")).toMatchObject({ table: "monitor_churn", scans: 0, unused: true, unique: false });

    const result = await checkDatabase(db);
    expect(result.breaches).toContainEqual({
      check: "dead-rows",
      subject: "monitor_churn",
      value: 2 / 3,
      threshold: 0.2,
      message: "monitor_churn: 2000 dead rows, 66.7% of the table (> 20.0%), never vacuumed",
    });
    expect(result.notices.some((notice) => notice.startsWith("index monitor_churn_note on monitor_churn"))).toBe(true);

    await database.sql("VACUUM monitor_churn");
    const vacuumed = await eventually(() => checkDatabase(db), (candidate) => candidate.checks["dead-rows"] === "ok");
    expect(vacuumed.checks["dead-rows"]).toBe("ok");
  });

  it("a role without pg_monitor gets the report without problems; statement statistics created but not preloaded give the note, whether or not the role may read shared_preload_libraries", async ({ db }) => {
    const role = `monitor_plain_${database.name.slice(-10)}`;
    await database.sql(`CREATE ROLE ${role} LOGIN PASSWORD 'plain-pw'; CREATE EXTENSION IF NOT EXISTS pg_stat_statements`);
    try {
      const asSuperuser = await getDatabaseReport(db);
      expect(asSuperuser.statements).toEqual({ available: false, note: "Statement statistics are off: add pg_stat_statements to shared_preload_libraries in postgresql.conf and restart the server." });

      const url = new URL(database.url);
      url.username = role;
      url.password = "plain-pw";
      const plain = await database.connect({ databaseUrl: url.toString() });
      try {
        const report = await getDatabaseReport(plain);
        expect(report.problems).toEqual([]);
        expect(report.tables.map((table) => table.name)).toContain("letters");
        // This role may not read the setting: the view itself was tried, and refused (SQLSTATE 55000), in a savepoint.
        expect((await plain.pool.query("SELECT count(*)::int AS n FROM pg_settings WHERE name = 'shared_preload_libraries'")).rows).toEqual([{ n: 0 }]);
        expect(report.statements).toEqual(asSuperuser.statements);
        expect((await checkDatabase(plain)).checks.report).toBe("ok");
      } finally {
        await plain.close();
      }
    } finally {
      await database.sql(`DROP EXTENSION pg_stat_statements; DROP ROLE ${role}`);
    }
  });

  const migrations = mkdtempSync(join(tmpdir(), "se-letters-monitor-migrations-"));
  afterAll(() => rmSync(migrations, { recursive: true, force: true }));

  it("pending migrations: alerted by check, with their names", async ({ db }) => {
    cpSync(defaultMigrationsDirectory(), migrations, { recursive: true });
    mkdirSync(join(migrations, "99990101000000_not_applied"));
    writeFileSync(join(migrations, "99990101000000_not_applied", "migration.sql"), "SELECT 1;\n");
    const result = await checkDatabase(db, { migrationsDirectory: migrations });
    expect(result.checks.migrations).toBe("breached");
    expect(result.breaches).toContainEqual(expect.objectContaining({ check: "migrations", message: expect.stringContaining("pending migrations: 99990101000000_not_applied") }));
  });

  it("a server that cannot be reached is a breach, never an exception; invalid thresholds are refused before anything runs", async () => {
    const nowhere = await database.connect();
    await nowhere.close();
    const result = await checkDatabase(nowhere);
    expect(result).toMatchObject({ healthy: false, checks: { reachable: "breached", migrations: "unknown" } });
    expect(result.breaches[0]!.message).toMatch(/^cannot reach /);
    await expect(checkDatabase(nowhere, { thresholds: { maxConnectionUse: 2 } as never })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("maxConnectionUse") });
    await expect(checkDatabase(nowhere, { thresholds: { maxLockWait: 3 } as never })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("maxLockWait: is not a known field") });
  });
});
