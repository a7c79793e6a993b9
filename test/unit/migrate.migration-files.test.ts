import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultMigrationsDirectory, migrationChecksum, readMigrationFiles } from "../../src/migrate/migration-files.ts";
import { checksumMatches, compareMigrations } from "../../src/migrate/migration-status.ts";
import type { MigrationRecord } from "../../src/migrate/migration-history.ts";

function folderWith(migrations: Record<string, string | null>): string {
  const root = mkdtempSync(join(tmpdir(), "se-letters-migrations-"));
  writeFileSync(join(root, "migration_lock.toml"), 'provider = "postgresql"\n');
  for (const [name, sql] of Object.entries(migrations)) {
    mkdirSync(join(root, name));
    if (sql !== null) writeFileSync(join(root, name, "migration.sql"), sql);
  }
  return root;
}

describe("readMigrationFiles", () => {
  it("finds the package's own migrations with Prisma's checksum", () => {
    const files = readMigrationFiles(defaultMigrationsDirectory());
    expect(files[0]?.name).toBe("20261121000000_init");
    const raw = readFileSync(join(defaultMigrationsDirectory(), "20261121000000_init", "migration.sql"));
    expect(files[0]?.checksum).toBe(createHash("sha256").update(raw).digest("hex"));
    expect(files[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it("orders folders as Prisma does and ignores loose files", () => {
    const root = folderWith({ "20240102000000_b": "SELECT 2;", "20240101000000_a": "SELECT 1;", "20240101000000_A2": "SELECT 3;" });
    expect(readMigrationFiles(root).map((file) => file.name)).toEqual(
      ["20240102000000_b", "20240101000000_a", "20240101000000_A2"].sort((a, b) => a.localeCompare(b)),
    );
  });

  it("hashes the text exactly, without normalising line endings or non-ASCII text", () => {
    expect(migrationChecksum("SELECT 'é';\r\n")).toBe(createHash("sha256").update(Buffer.from("SELECT 'é';\r\n", "utf8")).digest("hex"));
    expect(migrationChecksum("a\r\n")).not.toBe(migrationChecksum("a\n"));
  });

  it("explains a missing folder, an empty one, and a folder without migration.sql", () => {
    expect(() => readMigrationFiles("/nonexistent/migrations")).toThrow(/does not exist/);
    expect(() => readMigrationFiles(folderWith({}))).toThrow(/holds no migration/);
    expect(() => readMigrationFiles(folderWith({ "20240101000000_a": null }))).toThrow(/has no migration.sql/);
  });
});

describe("compareMigrations", () => {
  const record = (name: string, checksum: string, state: "applied" | "failed" | "rolled-back"): MigrationRecord => ({
    id: name,
    checksum,
    migrationName: name,
    startedAt: new Date(),
    finishedAt: state === "applied" ? new Date() : null,
    rolledBackAt: state === "rolled-back" ? new Date() : null,
    logs: null,
    appliedStepsCount: state === "applied" ? 1 : 0,
  });
  const files = [
    { name: "1_a", sql: "a", checksum: "ca" },
    { name: "2_b", sql: "b", checksum: "cb" },
    { name: "3_c", sql: "c", checksum: "cc" },
  ];

  it("sorts migrations into applied, pending, failed, edited and unknown", () => {
    const status = compareMigrations(files, [
      record("1_a", "ca", "applied"),
      record("2_b", "old", "applied"),
      record("3_c", "cc", "failed"),
      record("0_z", "cz", "applied"),
    ]);
    expect(status.applied).toEqual(["1_a", "2_b"]);
    expect(status.pending).toEqual([]);
    expect(status.failed.map((entry) => entry.migrationName)).toEqual(["3_c"]);
    expect(status.edited).toEqual([{ name: "2_b", recorded: "old", current: "cb" }]);
    expect(status.unknown).toEqual(["0_z"]);
  });

  it("treats a rolled-back migration as pending again", () => {
    const status = compareMigrations(files, [record("1_a", "ca", "applied"), record("2_b", "cb", "rolled-back")]);
    expect(status.pending.map((file) => file.name)).toEqual(["2_b", "3_c"]);
    expect(status.failed).toEqual([]);
  });
});

describe("checksumMatches", () => {
  it("accepts the unpadded checksums old Prisma versions recorded, as Prisma does", () => {
    const current = migrationChecksum("hello");
    expect(current).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    expect(checksumMatches(current, current)).toBe(true);
    expect(checksumMatches("2cf24dba5fb0a3e26e83b2ac5b9e29e1b161e5c1fa7425e7343362938b9824", current)).toBe(true);
    expect(checksumMatches("2cf24dba5fb0a3e26e83b2ac5b9e29e1b161e5c1fa7425e7343362938b9825", current)).toBe(false);
    expect(checksumMatches(migrationChecksum("hello!"), current)).toBe(false);
  });
});
