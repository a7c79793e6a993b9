import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultMigrationsDirectory, migrationChecksum, readMigrationFiles } from "../../src/migrate/migration-files.ts";
import { checksumMatches, compareMigrations, scriptMatchesChecksum } from "../../src/migrate/migration-status.ts";
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
  const file = (name: string, sql: string) => ({ name, sql, checksum: migrationChecksum(sql) });
  const files = [file("1_a", "a"), file("2_b", "b"), file("3_c", "c")];

  it("sorts migrations into applied, pending, failed, edited and unknown", () => {
    const status = compareMigrations(files, [
      record("1_a", migrationChecksum("a"), "applied"),
      record("2_b", "old", "applied"),
      record("3_c", migrationChecksum("c"), "failed"),
      record("0_z", "cz", "applied"),
    ]);
    expect(status.applied).toEqual(["1_a", "2_b"]);
    expect(status.pending).toEqual([]);
    expect(status.failed.map((entry) => entry.migrationName)).toEqual(["3_c"]);
    expect(status.edited).toEqual([{ name: "2_b", recorded: "old", current: migrationChecksum("b") }]);
    expect(status.unknown).toEqual(["0_z"]);
  });

  it("treats a rolled-back migration as pending again", () => {
    const status = compareMigrations(files, [record("1_a", migrationChecksum("a"), "applied"), record("2_b", migrationChecksum("b"), "rolled-back")]);
    expect(status.pending.map((file) => file.name)).toEqual(["2_b", "3_c"]);
    expect(status.failed).toEqual([]);
  });

  it("reports no edit for a CRLF checkout of a migration applied with LF line endings", () => {
    const applied = record("1_a", migrationChecksum("SELECT 1;\n"), "applied");
    expect(compareMigrations([file("1_a", "SELECT 1;\r\n")], [applied]).edited).toEqual([]);
    expect(compareMigrations([file("1_a", "SELECT 2;\r\n")], [applied]).edited).toHaveLength(1);
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

describe("scriptMatchesChecksum", () => {
  it("takes a script whose line endings changed (LF ↔ CRLF) as unedited, as Prisma does, and any other change as an edit", () => {
    const lf = "CREATE TABLE a (id int);\nCREATE INDEX a_id ON a (id);\n";
    const crlf = lf.replaceAll("\n", "\r\n");
    expect(scriptMatchesChecksum(lf, migrationChecksum(lf))).toBe(true);
    expect(scriptMatchesChecksum(crlf, migrationChecksum(lf))).toBe(true);
    expect(scriptMatchesChecksum(lf, migrationChecksum(crlf))).toBe(true);
    expect(scriptMatchesChecksum(`${lf} `, migrationChecksum(lf))).toBe(false);
    expect(scriptMatchesChecksum(lf.replace("a_id", "a_ix"), migrationChecksum(crlf))).toBe(false);
  });
});

