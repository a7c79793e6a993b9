import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliInProcess } from "../support/cli-runs.ts";
import { checkDatabaseHealth } from "../../src/client/health-check.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { migrate } from "../../src/migrate/migrate.ts";
import { defaultMigrationsDirectory } from "../../src/migrate/migration-files.ts";
import { createRoles, READONLY_ROLE, SERVICE_ROLE } from "../../src/roles/create-roles.ts";
import { databaseUrlFor } from "../support/database-url-for.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();

// Login roles are cluster-wide: random names, dropped after the file. The group roles they are given
// stay, as `se-letters-db roles` leaves them; other databases may hold grants to them.
const suffix = randomBytes(4).toString("hex");
const password = `pw-${randomBytes(9).toString("hex")}`;
const serviceLogin = `se_letters_test_svc_${suffix}`;
const readonlyLogin = `se_letters_test_ro_${suffix}`;
// A role that may create objects and write the migration history but does not own the tables.
const migratorLogin = `se_letters_test_mig_${suffix}`;
const logins = [serviceLogin, readonlyLogin, migratorLogin];

function urlAs(user: string): string {
  const url = new URL(database.url);
  url.username = user;
  url.password = password;
  return url.toString();
}

async function asRole<T>(user: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlAs(user) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs each statement as `user` and expects PostgreSQL to refuse it for lack of privilege (SQLSTATE 42501). */
async function expectRefused(user: string, statements: readonly string[]): Promise<void> {
  await asRole(user, async (client) => {
    for (const statement of statements) {
      await expect(client.query(statement), statement).rejects.toMatchObject({ code: "42501" });
    }
  });
}

const cli = runCliInProcess;

const letter = (name: string, fileHash = `sha256:${name}`) => ({
  documentName: `${name}.pdf`,
  sourceFilePath: `/letters/${name}.pdf`,
  fileHash,
  status: "processed",
  extractionConfidence: 0.9,
  products: [{ productIdentifier: `${name}-1`, rangeLabel: "TeSys D" }],
  matches: [{ productIndex: 0, ibcatalogueProductIdentifier: "CAT", matchConfidence: 0.7 }],
  debugSteps: [{ processingStep: "ocr" }],
});

beforeAll(async () => {
  await createRoles({ databaseUrl: database.url, env: {} });
  const admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${serviceLogin} LOGIN PASSWORD '${password}' IN ROLE ${SERVICE_ROLE}`);
    await admin.query(`CREATE ROLE ${readonlyLogin} LOGIN PASSWORD '${password}' IN ROLE ${READONLY_ROLE}`);
    await admin.query(`CREATE ROLE ${migratorLogin} LOGIN PASSWORD '${password}'`);
  } finally {
    await admin.end();
  }
  await database.sql(`GRANT CREATE ON SCHEMA public TO ${migratorLogin}; GRANT SELECT, INSERT, UPDATE ON _prisma_migrations TO ${migratorLogin}`);
});

afterAll(async () => {
  // Runs before the harness drops the database: the grants made in it go first, then the roles.
  await database.sql(`DROP OWNED BY ${logins.join(", ")}`);
  const admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  try {
    for (const login of logins) await admin.query(`DROP ROLE IF EXISTS ${login}`);
  } finally {
    await admin.end();
  }
});

describe("createRoles / se-letters-db roles", () => {
  it("is idempotent: a second run creates nothing and succeeds", async () => {
    const again = await createRoles({ databaseUrl: database.url, env: {} });
    expect(again).toEqual({ serviceRole: SERVICE_ROLE, readonlyRole: READONLY_ROLE, created: [] });
    const viaCli = await cli("roles", "--database-url", database.url, "--json");
    expect(viaCli).toEqual({ code: 0, out: JSON.stringify({ serviceRole: SERVICE_ROLE, readonlyRole: READONLY_ROLE, created: [] }), err: "" });
    const roles = await database.sql<{ rolname: string; rolcanlogin: boolean }>(
      "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname",
      [[SERVICE_ROLE, READONLY_ROLE]],
    );
    expect(roles).toEqual([
      { rolname: READONLY_ROLE, rolcanlogin: false },
      { rolname: SERVICE_ROLE, rolcanlogin: false },
    ]);
  });

  it("refuses a database that is not migrated, saying to migrate first", async () => {
    const empty = databaseUrlFor(database.adminUrl, await database.createEmptyDatabase());
    const result = await cli("roles", "--database-url", empty);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^Error: The database se_letters_empty_\w+ has no letters table .*run se-letters-db migrate first/);
  });

  it("refuses to run as the service role, naming the role and who should run it, without the password", async () => {
    const result = await cli("roles", "--database-url", urlAs(serviceLogin));
    expect(result.code).toBe(1);
    expect(result.err).toContain(`Error: The role ${serviceLogin} (${serviceLogin}@`);
    expect(result.err).toContain("lacks the privileges to create the roles and grant rights on the tables");
    expect(result.err).toContain("as the owner of the tables");
    expect(result.err + result.out).not.toContain(password);
  });

  it("rejects unknown flags and arguments with exit code 2", async () => {
    expect((await cli("roles", "--user", "x")).code).toBe(2);
    expect((await cli("roles", "extra")).code).toBe(2);
  });
});

describe("the service role", () => {
  it("runs every public method of LetterRepository, and the health check", async () => {
    const db = await database.connect({ databaseUrl: urlAs(serviceLogin) });
    try {
      const letters = new LetterRepository(db.prisma);
      const created = await letters.create(letter("svc-a"));
      expect(created.products).toHaveLength(1);
      await letters.create(letter("svc-b"));
      await letters.create(letter("svc-c"));
      const first = await letters.createOrReplaceByFileHash(letter("svc-d", "sha256:shared"));
      const second = await letters.createOrReplaceByFileHash(letter("svc-e", "sha256:shared"));
      expect(second.replacedIds).toEqual([first.letter.id]);
      expect((await letters.findByFileHash("sha256:shared")).map((row) => row.id)).toEqual([second.letter.id]);

      expect((await letters.findById(created.id))?.documentName).toBe("svc-a.pdf");
      expect((await letters.getById(created.id, { products: true, matches: true, debugSteps: true })).debugSteps).toHaveLength(1);

      // limit 1 leaves later pages, so the total comes from the planner estimate and the bounded count.
      const page = await letters.search({ query: "svc", limit: 1 });
      expect(page).toMatchObject({ total: 4, totalExact: true, data: [expect.objectContaining({ documentName: expect.stringMatching(/^svc-/) })] });
      const cursorPage = await letters.searchByCursor({ rangeLabel: "TeSys D", limit: 2 });
      expect(cursorPage.nextCursor).not.toBeNull();
      const nextPage = await letters.searchByCursor({ rangeLabel: "TeSys D", limit: 2, cursor: cursorPage.nextCursor! });
      expect(nextPage.data).toHaveLength(2);

      expect(await letters.getStatistics()).toMatchObject({ totalLetters: 4, totalProducts: 4, totalMatches: 4 });
      expect(await letters.getStatistics({ maxAgeMs: 60_000 })).toMatchObject({ totalLetters: 4 });

      expect((await letters.setStatus(created.id, "failed")).status).toBe("failed");
      expect((await letters.appendDebugStep(created.id, { processingStep: "retry" })).letterId).toBe(created.id);
      await letters.delete(created.id);
      const rest = await letters.search({ limit: 10 });
      expect(await letters.deleteMany(rest.data.map((row) => row.id))).toBe(3);

      const health = await checkDatabaseHealth(db);
      expect(health).toMatchObject({ healthy: true, reachable: true });
    } finally {
      await db.close();
    }
    const status = await cli("status", "--database-url", urlAs(serviceLogin), "--json");
    expect(status.code).toBe(0);
  });

  it("cannot DROP, ALTER, TRUNCATE, CREATE TABLE, write the migration history or move a sequence", async () => {
    await expectRefused(serviceLogin, [
      "DROP TABLE letters",
      "ALTER TABLE letters ADD COLUMN extra int",
      "TRUNCATE letters",
      "CREATE TABLE intruder (id int)",
      "CREATE INDEX intruder_idx ON letters (status)",
      "CREATE FUNCTION intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'",
      "INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('x', 'x', 'x')",
      "DELETE FROM _prisma_migrations",
      "SELECT setval('letters_id_seq', 1)",
    ]);
  });

  it("cannot migrate: a typed error says to run migrations as the owner, from the library and the CLI", async () => {
    const error = await migrate({ databaseUrl: urlAs(serviceLogin), env: {} }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: "INSUFFICIENT_PRIVILEGE", name: "InsufficientPrivilegeError" });
    expect((error as Error).message).toMatch(
      new RegExp(`^The role ${serviceLogin} \\(${serviceLogin}@[^)]+\\) lacks the privileges to change the schema and the migration history: .*permission denied.*Run migrations as the owner of the tables`),
    );

    // A pending migration: the service role is refused before anything is recorded.
    const folder = mkdtempSync(join(tmpdir(), "se-letters-roles-"));
    try {
      cpSync(defaultMigrationsDirectory(), folder, { recursive: true });
      mkdirSync(join(folder, "29990101000000_extra"));
      writeFileSync(join(folder, "29990101000000_extra", "migration.sql"), "ALTER TABLE letters ADD COLUMN extra int;\n");
      const result = await cli("migrate", "--database-url", urlAs(serviceLogin), "--migrations-dir", folder);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(new RegExp(`^Error: The role ${serviceLogin} .* lacks the privileges to change the schema`));
      expect(result.err + result.out).not.toContain(password);
      expect(result.err).not.toContain("Unexpected error");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    const recorded = await database.sql("SELECT 1 FROM _prisma_migrations WHERE migration_name = '29990101000000_extra'");
    expect(recorded).toEqual([]);
    const resolve = await cli("migrate", "resolve", "--rolled-back", "x", "--database-url", urlAs(serviceLogin));
    expect(resolve.code).toBe(1);
    expect(resolve.err).toContain("lacks the privileges to change the schema and the migration history");
  });

  it("a role that writes the history but does not own the tables: the migration is refused, recorded as failed, and the error says how to resolve", async () => {
    const folder = mkdtempSync(join(tmpdir(), "se-letters-roles-"));
    try {
      cpSync(defaultMigrationsDirectory(), folder, { recursive: true });
      mkdirSync(join(folder, "29990101000000_extra"));
      writeFileSync(join(folder, "29990101000000_extra", "migration.sql"), "ALTER TABLE letters ADD COLUMN extra int;\n");
      const error = await migrate({ databaseUrl: urlAs(migratorLogin), env: {}, migrationsDirectory: folder }).catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ code: "INSUFFICIENT_PRIVILEGE" });
      expect((error as Error).message).toMatch(/lacks the privileges to change the schema and the migration history: must be owner of table letters/);
      expect((error as Error).message).toContain("Migration 29990101000000_extra was rolled back and recorded as failed.");
      expect((error as Error).message).toContain("se-letters-db migrate resolve --rolled-back 29990101000000_extra");
      expect((error as Error).message).not.toContain(password);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    const recorded = await database.sql<{ finished: boolean }>(
      "SELECT finished_at IS NOT NULL AS finished FROM _prisma_migrations WHERE migration_name = '29990101000000_extra'",
    );
    expect(recorded).toEqual([{ finished: false }]);
    const columns = await database.sql("SELECT 1 FROM information_schema.columns WHERE table_name = 'letters' AND column_name = 'extra'");
    expect(columns).toEqual([]);
    await database.sql("DELETE FROM _prisma_migrations WHERE migration_name = '29990101000000_extra'");
  });
});

describe("the read-only role", () => {
  it("reads through the repository's read methods", async () => {
    const owner = await database.connect();
    let id: number;
    try {
      id = (await new LetterRepository(owner.prisma).create(letter("ro-a"))).id;
    } finally {
      await owner.close();
    }
    const db = await database.connect({ databaseUrl: urlAs(readonlyLogin) });
    try {
      const letters = new LetterRepository(db.prisma);
      expect((await letters.getById(id, { products: true, matches: true, debugSteps: true })).products).toHaveLength(1);
      expect(await letters.findById(id)).not.toBeNull();
      expect((await letters.findByFileHash("sha256:ro-a")).map((row) => row.id)).toEqual([id]);
      expect((await letters.search({ query: "ro-a" })).total).toBe(1);
      expect((await letters.searchByCursor({ rangeLabel: "TeSys D" })).data.map((row) => row.id)).toContain(id);
      expect((await letters.getStatistics()).totalLetters).toBeGreaterThanOrEqual(1);
      expect(await checkDatabaseHealth(db)).toMatchObject({ healthy: true });
      await expect(letters.create(letter("ro-b"))).rejects.toMatchObject({ code: "INSUFFICIENT_PRIVILEGE", message: expect.stringMatching(/permission denied.*se_letters_service/) as unknown as string });
      await expect(letters.setStatus(id, "failed")).rejects.toMatchObject({ code: "INSUFFICIENT_PRIVILEGE", message: expect.stringMatching(/permission denied.*se_letters_service/) as unknown as string });
      await expect(letters.delete(id)).rejects.toMatchObject({ code: "INSUFFICIENT_PRIVILEGE", message: expect.stringMatching(/permission denied.*se_letters_service/) as unknown as string });
    } finally {
      await db.close();
    }
  });

  it("cannot INSERT, UPDATE, DELETE, TRUNCATE or change the schema", async () => {
    await expectRefused(readonlyLogin, [
      "INSERT INTO letters (document_name, source_file_path) VALUES ('x', 'y')",
      "UPDATE letters SET status = 'x'",
      "DELETE FROM letter_products",
      "DELETE FROM letter_product_matches",
      "INSERT INTO processing_debug (letter_id, processing_step) VALUES (1, 'x')",
      "TRUNCATE processing_debug",
      "CREATE TABLE intruder (id int)",
      "SELECT nextval('letters_id_seq')",
    ]);
  });
});

describe("default privileges", () => {
  it("give both roles their rights on a table a later migration creates as the owner", async () => {
    await database.sql("CREATE TABLE later_table (id serial PRIMARY KEY, note text)");
    await asRole(serviceLogin, async (client) => {
      await client.query("INSERT INTO later_table (note) VALUES ('from the service')");
      await expect(client.query("DROP TABLE later_table")).rejects.toMatchObject({ code: "42501" });
    });
    await asRole(readonlyLogin, async (client) => {
      expect((await client.query("SELECT note FROM later_table")).rows).toEqual([{ note: "from the service" }]);
      await expect(client.query("DELETE FROM later_table")).rejects.toMatchObject({ code: "42501" });
    });
  });
});
