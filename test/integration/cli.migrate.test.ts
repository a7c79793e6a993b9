import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../support/cli-runs.ts";
import { readMigrationFiles } from "../../src/migrate/migration-files.ts";
import { databaseUrlFor } from "../support/database-url-for.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();

const cli = runCliInProcess;

describe("se-letters-db migrate", () => {
  it("creates the schema, then says there is nothing to do", async () => {
    const url = databaseUrlFor(database.adminUrl, await database.createEmptyDatabase());
    const shipped = readMigrationFiles().map((file) => file.name);
    const first = await cli("migrate", "--database-url", url);
    expect(first).toEqual({
      code: 0,
      out: [
        ...shipped.map((name) => `Applying ${name} …`),
        `Applied ${shipped.length} migration${shipped.length === 1 ? "" : "s"}: ${shipped.join(", ")}.`,
      ].join("\n"),
      err: "",
    });
    const second = await cli("migrate", "--database-url", url);
    expect(second).toEqual({ code: 0, out: `No pending migrations: the database is up to date (${shipped.length} applied).`, err: "" });
    const status = await cli("status", "--database-url", url, "--json");
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out)).toMatchObject({ healthy: true, migrations: { applied: shipped.length, pending: [] } });
  });

  it("reports an unreachable server with exit code 1 and no password", async () => {
    const result = await cli("migrate", "--database-url", "postgresql://app:Hunter2-secret@127.0.0.1:1/se_letters");
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^Error: Cannot reach PostgreSQL at app@127\.0\.0\.1:1\/se_letters/);
    expect(result.err + result.out).not.toContain("Hunter2-secret");
  });

  it("rejects unknown flags and commands with exit code 2", async () => {
    expect((await cli("migrate", "--databse-url", "x")).code).toBe(2);
    expect((await cli("migrat")).code).toBe(2);
    expect((await cli("migrate", "resolve")).err).toContain("migrate resolve needs either --rolled-back NAME or --applied NAME");
    expect((await cli("migrate", "resolve", "--rolled-back", "a", "--applied", "b")).code).toBe(2);
    expect((await cli("migrate", "--applied", "a")).err).toContain("--rolled-back and --applied go with migrate resolve");
    expect((await cli("--help")).code).toBe(0);
  });

  it("says which variable is wrong when the environment is misconfigured", async () => {
    const saved = { ...process.env };
    try {
      delete process.env["DATABASE_URL"];
      process.env["DB_HOST"] = "localhost";
      process.env["DB_NAME"] = "x";
      process.env["DB_USER"] = "y";
      process.env["DB_PORT"] = "fifty";
      const result = await cli("migrate");
      expect(result.code).toBe(1);
      expect(result.err).toContain('DB_PORT: must be a whole number from 1 to 65535, got "fifty"');
    } finally {
      process.env = saved;
    }
  });
});
