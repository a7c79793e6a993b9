import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, writeFileSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MigrationChecksumMismatchError, MigrationFailedError, MigrationPreviouslyFailedError } from "../../src/errors.ts";
import { migrate } from "../../src/migrate/migrate.ts";
import { defaultMigrationsDirectory, readMigrationFiles } from "../../src/migrate/migration-files.ts";
import { markMigrationApplied, markMigrationRolledBack } from "../../src/migrate/resolve-migration.ts";
import { databaseUrlFor } from "../support/database-url-for.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
/** The package's migrations, in the order they apply; the tests do not assume how many there are. */
const SHIPPED = readMigrationFiles();
const SHIPPED_NAMES = SHIPPED.map((file) => file.name);

async function freshDatabaseUrl(): Promise<string> {
  return databaseUrlFor(database.adminUrl, await database.createEmptyDatabase());
}

/** A copy of the package's migrations plus extra folders. */
function migrationsWith(extra: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "se-letters-migrations-"));
  cpSync(defaultMigrationsDirectory(), root, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    mkdirSync(join(root, name));
    writeFileSync(join(root, name, "migration.sql"), sql);
  }
  return root;
}

async function history(url: string) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(
      "SELECT id, checksum, migration_name, logs, rolled_back_at, started_at, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY started_at",
    );
    return result.rows;
  } finally {
    await client.end();
  }
}

describe("migrate", () => {
  it("creates the full schema on a fresh database, then applies nothing on a second run", async () => {
    const url = await freshDatabaseUrl();
    const first = await migrate({ databaseUrl: url, env: {} });
    expect(first.applied).toEqual(SHIPPED_NAMES);
    expect(first.alreadyApplied).toEqual([]);

    const second = await migrate({ databaseUrl: url, env: {} });
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(SHIPPED_NAMES);
  });

  it("records _prisma_migrations rows as prisma migrate deploy does", async () => {
    const url = await freshDatabaseUrl();
    await migrate({ databaseUrl: url, env: {} });
    const rows = await history(url);
    expect(rows.map((row) => row.migration_name)).toEqual(SHIPPED_NAMES);
    for (const [index, row] of rows.entries()) {
      const sql = readFileSync(join(defaultMigrationsDirectory(), SHIPPED_NAMES[index]!, "migration.sql"));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row).toMatchObject({ logs: null, rolled_back_at: null, applied_steps_count: 1 });
      expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }

    const columns = await database.sql<{ column_name: string; data_type: string; is_nullable: string; character_maximum_length: number | null }>(
      "SELECT column_name, data_type, is_nullable, character_maximum_length FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position",
    );
    expect(columns).toEqual([
      { column_name: "id", data_type: "character varying", is_nullable: "NO", character_maximum_length: 36 },
      { column_name: "checksum", data_type: "character varying", is_nullable: "NO", character_maximum_length: 64 },
      { column_name: "finished_at", data_type: "timestamp with time zone", is_nullable: "YES", character_maximum_length: null },
      { column_name: "migration_name", data_type: "character varying", is_nullable: "NO", character_maximum_length: 255 },
      { column_name: "logs", data_type: "text", is_nullable: "YES", character_maximum_length: null },
      { column_name: "rolled_back_at", data_type: "timestamp with time zone", is_nullable: "YES", character_maximum_length: null },
      { column_name: "started_at", data_type: "timestamp with time zone", is_nullable: "NO", character_maximum_length: null },
      { column_name: "applied_steps_count", data_type: "integer", is_nullable: "NO", character_maximum_length: null },
    ]);
  });

  it("lets two concurrent runs apply each migration once: one applies, the other waits and finds nothing", async () => {
    const url = await freshDatabaseUrl();
    const results = await Promise.all([migrate({ databaseUrl: url, env: {} }), migrate({ databaseUrl: url, env: {} })]);
    expect(results.map((result) => result.applied.length).sort()).toEqual([0, SHIPPED.length]);
    expect(await history(url)).toHaveLength(SHIPPED.length);
  });

  it("stops at a failing migration, records the failure, and blocks the next run until it is resolved", async () => {
    const url = await freshDatabaseUrl();
    const directory = migrationsWith({
      "29991231000000_broken": "CREATE TABLE half_done (id int);\nALTER TABLE no_such_table ADD COLUMN x int;\n",
    });

    const failure = await migrate({ databaseUrl: url, env: {}, migrationsDirectory: directory }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationFailedError);
    expect((failure as MigrationFailedError).code).toBe("MIGRATION_FAILED");
    expect((failure as Error).message).toMatch(/Migration 29991231000000_broken failed: relation "no_such_table" does not exist/);

    const rows = await history(url);
    expect(rows.map((row) => [row.migration_name, row.finished_at === null, row.applied_steps_count])).toEqual([
      ...SHIPPED_NAMES.map((name) => [name, false, 1]),
      ["29991231000000_broken", true, 0],
    ]);
    expect(rows.at(-1).logs).toContain('relation "no_such_table" does not exist');
    const { default: pg } = await import("pg");
    const probe = new pg.Client({ connectionString: url });
    await probe.connect();
    const halfDone = await probe.query("SELECT to_regclass('half_done') AS table").finally(() => probe.end());
    expect(halfDone.rows[0].table, "the failed script's first statement was rolled back").toBeNull();

    const blocked = await migrate({ databaseUrl: url, env: {}, migrationsDirectory: directory }).catch((error: unknown) => error);
    expect(blocked).toBeInstanceOf(MigrationPreviouslyFailedError);
    expect((blocked as Error).message).toContain("Migration 29991231000000_broken failed in an earlier run");
    expect((blocked as Error).message).toContain("se-letters-db migrate resolve --rolled-back 29991231000000_broken");

    writeFileSync(join(directory, "29991231000000_broken", "migration.sql"), "CREATE TABLE half_done (id int);\n");
    await markMigrationRolledBack("29991231000000_broken", { databaseUrl: url, env: {} });
    const retried = await migrate({ databaseUrl: url, env: {}, migrationsDirectory: directory });
    expect(retried.applied).toEqual(["29991231000000_broken"]);
  });

  it("refuses to run when an applied migration's file was edited", async () => {
    const url = await freshDatabaseUrl();
    const directory = migrationsWith({});
    await migrate({ databaseUrl: url, env: {}, migrationsDirectory: directory });
    writeFileSync(join(directory, "20261121000000_init", "migration.sql"), "-- edited\n", { flag: "a" });
    const error = await migrate({ databaseUrl: url, env: {}, migrationsDirectory: directory }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationChecksumMismatchError);
    expect((error as Error).message).toMatch(/Migration 20261121000000_init was edited after it was applied/);
  });

  it("says when there is no failed migration to resolve", async () => {
    const url = await freshDatabaseUrl();
    await expect(markMigrationRolledBack("20990101000000_nothing", { databaseUrl: url, env: {} })).rejects.toThrow(
      /No failed migration named 20990101000000_nothing/,
    );
  });

  it("records a migration as applied without running it (resolve --applied), resolving its failed record, so migrate skips it", async () => {
    const url = await freshDatabaseUrl();
    const name = "29991231000000_done_by_hand";
    const directory = migrationsWith({ [name]: "CREATE TABLE done_by_hand (id int);\nALTER TABLE no_such_table ADD COLUMN x int;\n" });
    await expect(migrate({ databaseUrl: url, env: {}, migrationsDirectory: directory })).rejects.toBeInstanceOf(MigrationFailedError);

    await markMigrationApplied(name, { databaseUrl: url, env: {}, migrationsDirectory: directory });
    const rows = (await history(url)).filter((row) => row.migration_name === name);
    expect(rows.map((row) => [row.finished_at === null, row.rolled_back_at === null, row.applied_steps_count])).toEqual([
      [true, false, 0], // the failed run, now resolved
      [false, true, 0], // recorded as applied, not run
    ]);
    expect(rows[1].checksum).toBe(readMigrationFiles(directory).find((file) => file.name === name)?.checksum);
    const next = await migrate({ databaseUrl: url, env: {}, migrationsDirectory: directory });
    expect(next).toMatchObject({ applied: [] });
    expect(next.alreadyApplied).toContain(name);
    const { default: pg } = await import("pg");
    const probe = new pg.Client({ connectionString: url });
    await probe.connect();
    const table = await probe.query("SELECT to_regclass('done_by_hand') AS table").finally(() => probe.end());
    expect(table.rows[0].table, "resolve --applied runs nothing").toBeNull();

    await expect(markMigrationApplied(name, { databaseUrl: url, env: {}, migrationsDirectory: directory })).rejects.toThrow(
      /already recorded as applied; nothing was changed/,
    );
    await expect(markMigrationApplied("20990101000000_absent", { databaseUrl: url, env: {}, migrationsDirectory: directory })).rejects.toThrow(
      /no migration named 20990101000000_absent/,
    );
  });
});

