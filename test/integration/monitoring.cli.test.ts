import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../support/cli-runs.ts";
import { defaultMigrationsDirectory } from "../../src/migrate/migration-files.ts";
import { useScratchFolder } from "../support/duckdb-files.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const scratch = useScratchFolder();

const cli = runCliInProcess;

// The server is shared with other test files running at the same time: their connections, transactions and lock
// waits (server-wide figures) must not decide these exit codes.
const SHARED_SERVER = ["--max-connection-use", "1", "--max-transaction-seconds", "3600", "--max-idle-in-transaction-seconds", "3600", "--max-lock-wait-seconds", "3600"];

describe("se-letters-db stats and check", () => {
  it("stats prints the report grouped by topic (exit 0); --json prints the versioned report", async () => {
    const text = await cli("stats", "--database-url", database.url);
    expect(text.code).toBe(0);
    for (const heading of ["Database", "Connections (whole server)", "Lock waits:", "Tables (schema public; rows are estimates)", "Indexes (scans since", "Statements (pg_stat_statements)", "Replicas:"]) {
      expect(text.out).toContain(heading);
    }
    expect(text.out).toMatch(/^ {2}letters\s+\d/m);
    expect(text.out).toContain("Statement statistics are off:");

    const json = await cli("stats", "--database-url", database.url, "--json", "--statement-timeout", "1500");
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out);
    expect(report).toMatchObject({ version: 1, schema: "public", problems: [] });
    expect(report.tables.map((table: { name: string }) => table.name)).toContain("letters");
  });

  it("check: exit 0 and one OK line when nothing is breached; a thresholds file, overridden by a flag; one BREACH line each, exit 1", async () => {
    const ok = await cli("check", "--database-url", database.url, ...SHARED_SERVER);
    expect(ok.code).toBe(0);
    expect(ok.out.split("\n").at(-1)).toMatch(/^OK: no threshold breached on /);
    expect(ok.out).not.toContain("BREACH");

    await database.sql(`CREATE TABLE cli_churn (id int PRIMARY KEY) WITH (autovacuum_enabled = false);
      INSERT INTO cli_churn SELECT generate_series(1, 100); DELETE FROM cli_churn WHERE id <= 50; SELECT pg_stat_force_next_flush()`);
    // The statistics reach shared memory when the deleting backend flushes them: wait until they show.
    for (let attempt = 0; attempt < 50; attempt++) {
      const [row] = await database.sql<{ dead: number }>("SELECT n_dead_tup::int AS dead FROM pg_stat_user_tables WHERE relname = 'cli_churn'");
      if ((row?.dead ?? 0) >= 50) break;
      await new Promise((resolveDelay) => setTimeout(resolveDelay, 200));
    }
    const file = scratch.path("thresholds.json");
    writeFileSync(file, JSON.stringify({ minDeadRows: 10, maxDeadRatio: 0.3 }));
    const breached = await cli("check", "--database-url", database.url, ...SHARED_SERVER, "--thresholds", file);
    expect(breached.code).toBe(1);
    expect(breached.out).toContain("BREACH dead-rows cli_churn: cli_churn: 50 dead rows, 50.0% of the table (> 30.0%), never vacuumed");
    expect(breached.out.split("\n").at(-1)).toMatch(/^1 breach on /);

    const overridden = await cli("check", "--database-url", database.url, ...SHARED_SERVER, "--thresholds", file, "--max-dead-ratio", "0.6", "--json");
    expect(overridden.code).toBe(0);
    expect(JSON.parse(overridden.out)).toMatchObject({ version: 1, healthy: true, thresholds: { minDeadRows: 10, maxDeadRatio: 0.6, maxLockWaitSeconds: 3600, minCacheHitRatio: 0.95 } });

    const quiet = await cli("check", "--database-url", database.url, ...SHARED_SERVER, "--thresholds", file, "--quiet");
    expect(quiet).toMatchObject({ code: 1, out: "BREACH dead-rows cli_churn: cli_churn: 50 dead rows, 50.0% of the table (> 30.0%), never vacuumed" });
  });

  it("check: pending migrations and an unreachable server are breaches (exit 1, never a password); bad thresholds are usage errors (exit 2)", async () => {
    const migrations = scratch.path("migrations");
    cpSync(defaultMigrationsDirectory(), migrations, { recursive: true });
    mkdirSync(`${migrations}/99990101000000_later`);
    writeFileSync(`${migrations}/99990101000000_later/migration.sql`, "SELECT 1;\n");
    const pending = await cli("check", "--database-url", database.url, ...SHARED_SERVER, "--migrations-dir", migrations);
    expect(pending.code).toBe(1);
    expect(pending.out).toMatch(/^BREACH migrations: pending migrations: 99990101000000_later \(run se-letters-db migrate\)$/m);

    const unreachable = await cli("check", "--database-url", "postgresql://watcher:s3cr3t-pw@127.0.0.1:1/nowhere", "--json");
    expect(unreachable.code).toBe(1);
    expect(JSON.parse(unreachable.out)).toMatchObject({ healthy: false, checks: { reachable: "breached", migrations: "unknown" }, breaches: [{ check: "reachable" }] });
    expect(unreachable.out + unreachable.err).not.toContain("s3cr3t-pw");
    const unreachableText = await cli("check", "--database-url", "postgresql://watcher:s3cr3t-pw@127.0.0.1:1/nowhere");
    expect(unreachableText.out).toMatch(/^BREACH reachable: cannot reach watcher@127\.0\.0\.1:1\/nowhere: /);

    const notJson = scratch.path("not-json.json");
    writeFileSync(notJson, "{ maxDeadRatio: ");
    const unknownKey = scratch.path("unknown-key.json");
    writeFileSync(unknownKey, JSON.stringify({ maxLockWait: 3 }));
    for (const [args, message] of [
      [["--max-connection-use", "lots"], '--max-connection-use needs a number, got "lots"'],
      [["--max-connection-use", "1.5"], "invalid thresholds: maxConnectionUse must be at most 1"],
      [["--thresholds", scratch.path("missing.json")], "cannot be read: ENOENT"],
      [["--thresholds", notJson], "is not JSON"],
      [["--thresholds", unknownKey], "invalid thresholds: maxLockWait is not a known field"],
      [["--statement-timeout", "soon"], '--statement-timeout needs a whole number, got "soon"'],
    ] as const) {
      const usage = await cli("check", "--database-url", database.url, ...args);
      expect({ args, code: usage.code, out: usage.out }).toEqual({ args, code: 2, out: "" });
      expect(usage.err).toContain(message);
    }
  });
});
