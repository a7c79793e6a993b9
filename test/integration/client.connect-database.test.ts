import { describe, expect, vi } from "vitest";
import { connectDatabase } from "../../src/client/database-client.ts";
import type { LogEntry } from "../../src/client/database-logger.ts";
import { checkDatabaseHealth } from "../../src/client/health-check.ts";
import { PREPARED_STATEMENT_MARKER } from "../../src/connection/prepared-statement.ts";
import { DatabaseUnavailableError } from "../../src/errors.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { readMigrationFiles } from "../../src/migrate/migration-files.ts";
import { databaseUrlFor } from "../support/database-url-for.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const it = databaseTest(database);

describe("connectDatabase", () => {
  it("returns a Prisma client over a pool with the configured limits, sessions in UTC", async () => {
    const db = await database.connect({ poolSize: 3, idleTimeoutMs: 1234, connectionTimeoutMs: 4321 });
    try {
      expect(db.pool.options).toMatchObject({ max: 3, idleTimeoutMillis: 1234, connectionTimeoutMillis: 4321 });
      const zones = await Promise.all([1, 2, 3].map(() => db.pool.query<{ TimeZone: string }>("SHOW TimeZone")));
      expect(zones.map((result) => result.rows[0]?.TimeZone)).toEqual(["UTC", "UTC", "UTC"]);
      const [row] = await db.prisma.$queryRaw<{ name: string }[]>`SELECT current_setting('application_name') AS name`;
      expect(row?.name).toBe("se-letters-db");
      expect(await db.prisma.letter.count()).toBe(0);
    } finally {
      await db.close();
    }
  });

  it("closes idempotently and ends the pool", async () => {
    const db = await database.connect();
    await Promise.all([db.close(), db.close()]);
    expect(db.pool.ended).toBe(true);
  });

  it("fails with DatabaseUnavailableError naming the server but never the password", async () => {
    const secret = "n0t-the-Real-Password";
    const error = await connectDatabase({ databaseUrl: `postgresql://someone:${secret}@127.0.0.1:1/nowhere`, env: {}, connectionTimeoutMs: 2000 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as DatabaseUnavailableError).code).toBe("DATABASE_UNAVAILABLE");
    expect((error as Error).message).toMatch(/^Cannot reach PostgreSQL at someone@127\.0\.0\.1:1\/nowhere: .*ECONNREFUSED/);
    expect((error as Error).message).not.toContain(secret);
  });

  it("reports a database that does not exist without leaking the password", async () => {
    const url = new URL(databaseUrlFor(database.adminUrl, "no_such_database_here"));
    url.password = "wrong-Secret-42";
    const error = await connectDatabase({ databaseUrl: url.toString(), env: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).not.toContain("wrong-Secret-42");
  });
});

describe("connectDatabase: prepared statements", () => {
  const preparedOnTheConnection = async (db: Awaited<ReturnType<typeof database.connect>>) =>
    (await db.pool.query<{ statement: string }>("SELECT statement FROM pg_prepared_statements")).rows.map((row) => row.statement);

  it("prepares the marked by-id read once per connection, and nothing else", async () => {
    const db = await database.connect({ poolSize: 1 });
    try {
      const letters = new LetterRepository(db.prisma);
      const stored = await letters.create({ documentName: "p.pdf", sourceFilePath: "/p.pdf", products: [{ productIdentifier: "P1" }] });
      await letters.search({ query: "p.pdf" });
      for (let round = 0; round < 3; round++) {
        expect((await letters.getById(stored.id, { products: true })).products).toHaveLength(1);
        expect((await letters.findById(stored.id))?.documentName).toBe("p.pdf");
      }
      const statements = await preparedOnTheConnection(db);
      // Two texts, each prepared once: products only, no children. The search, the writes and create's
      // read-back (in its transaction) are not prepared.
      expect(statements).toHaveLength(2);
      for (const statement of statements) expect(statement.startsWith(PREPARED_STATEMENT_MARKER)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it("reads unprepared in a caller's transaction, and survives a migration that changes a returned column's type", async () => {
    const db = await database.connect({ poolSize: 1 });
    try {
      const letters = new LetterRepository(db.prisma);
      const stored = await letters.create({ documentName: "t.pdf", sourceFilePath: "/t.pdf", products: [{ productIdentifier: "T1", confidenceScore: 0.5 }] });
      await db.prisma.$transaction(async (tx) => {
        expect((await new LetterRepository(tx).getById(stored.id, { products: true })).products).toHaveLength(1);
      });
      expect(await preparedOnTheConnection(db)).toEqual([]);

      expect((await letters.getById(stored.id, { products: true })).products[0]?.confidenceScore).toBe(0.5);
      expect(await preparedOnTheConnection(db)).toHaveLength(1);
      // The prepared statement now returns a column whose type changed: PostgreSQL refuses to run it
      // ("cached plan must not change result type"); the read runs once more, unprepared.
      await database.sql("ALTER TABLE letter_products ALTER COLUMN confidence_score TYPE double precision");
      try {
        expect((await letters.getById(stored.id, { products: true })).products[0]?.confidenceScore).toBe(0.5);
        expect((await letters.getById(stored.id, { products: true })).products[0]?.confidenceScore).toBe(0.5);
        const another = await letters.create({ documentName: "u.pdf", sourceFilePath: "/u.pdf", products: [{ productIdentifier: "U1" }] });
        expect(another.products).toHaveLength(1);
      } finally {
        await database.sql("ALTER TABLE letter_products ALTER COLUMN confidence_score TYPE real");
      }
    } finally {
      await db.close();
    }
  });

  it("prepares nothing with preparedStatements: false (DB_PREPARED_STATEMENTS=false)", async () => {
    const db = await database.connect({ poolSize: 1, env: { DB_PREPARED_STATEMENTS: "false" } });
    try {
      expect(db.config.preparedStatements).toBe(false);
      const letters = new LetterRepository(db.prisma);
      const stored = await letters.create({ documentName: "q.pdf", sourceFilePath: "/q.pdf" });
      expect((await letters.getById(stored.id, { products: true })).products).toEqual([]);
      expect(await preparedOnTheConnection(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

describe("connectDatabase: transactions and a busy pool", () => {
  it("a transaction waits for a pool connection as long as a query does (connectionTimeoutMs), not Prisma's 2 s", async () => {
    const db = await database.connect({ poolSize: 1, connectionTimeoutMs: 10_000 });
    try {
      const held = await db.pool.connect();
      const released = new Promise<void>((resolve) => setTimeout(() => resolve(held.release()), 2_500));
      try {
        const started = performance.now();
        const result = await db.prisma.$transaction(async (tx) => tx.$queryRaw<{ one: number }[]>`SELECT 1::int AS one`);
        expect(result).toEqual([{ one: 1 }]);
        expect(performance.now() - started).toBeGreaterThanOrEqual(2_000);
      } finally {
        await released;
      }
    } finally {
      await db.close();
    }
  });
});

describe("connectDatabase: a pool busy for longer than connectionTimeoutMs", () => {
  it("fails a repository transaction with DatabaseUnavailableError", async () => {
    const db = await database.connect({ poolSize: 1, connectionTimeoutMs: 300 });
    const held = await db.pool.connect();
    try {
      const letters = new LetterRepository(db.prisma);
      const error = await letters.create({ documentName: "busy.pdf", sourceFilePath: "/busy.pdf" }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
    } finally {
      held.release();
      await db.close();
    }
  });
});

describe("checkDatabaseHealth", () => {
  it("says healthy on a migrated database", async ({ db }) => {
    const report = await checkDatabaseHealth(db);
    expect(report).toMatchObject({
      healthy: true,
      reachable: true,
      migrations: { applied: readMigrationFiles().length, pending: [], failed: [], edited: [] },
    });
    expect(report.serverVersion).toMatch(/^\d+/);
    expect(report.error).toBeUndefined();
  });

  it("says which migrations are pending on an empty database", async () => {
    const empty = await database.createEmptyDatabase();
    const db = await connectDatabase({ databaseUrl: databaseUrlFor(database.adminUrl, empty), env: {} });
    try {
      const report = await checkDatabaseHealth(db);
      const shipped = readMigrationFiles().map((file) => file.name);
      expect(report).toMatchObject({ healthy: false, reachable: true, migrations: { applied: 0, pending: shipped } });
      expect(report.error).toContain(`pending migrations: ${shipped.join(", ")} (run se-letters-db migrate)`);
    } finally {
      await db.close();
    }
  });

  it("says unreachable once the pool is gone", async () => {
    const db = await database.connect();
    await db.close();
    const report = await checkDatabaseHealth(db);
    expect(report).toMatchObject({ healthy: false, reachable: false });
    expect(report.error).toBeTruthy();
  });

  it("logs an idle connection's failure as a structured warn entry through the given logger, without the password", async () => {
    const entries: LogEntry[] = [];
    const db = await database.connect({ poolSize: 2, logger: (entry) => entries.push(entry) });
    try {
      await Promise.all([1, 2].map(() => db.pool.query("SELECT pg_sleep(0.02)")));
      await database.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
      await vi.waitFor(() => expect(entries).toHaveLength(2), { timeout: 5_000 });
      for (const entry of entries) {
        expect(entry).toMatchObject({ level: "warn", message: "an idle pooled connection failed; the pool replaces it when needed" });
        expect(entry.fields["target"]).toMatch(/@.*:\d+\/se_letters_test_/);
        expect(entry.fields["reason"]).toMatch(/terminat/i);
      }
      expect((await db.pool.query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one).toBe(1);
    } finally {
      await db.close();
    }
  });

  it("passes Prisma's log setting through to db.prisma", async () => {
    const db = await database.connect({ prismaLog: [{ emit: "event", level: "query" }] });
    try {
      const queries: string[] = [];
      // db.prisma is typed without log events; the setting given here adds the query event.
      (db.prisma as unknown as { $on(event: "query", callback: (event: { query: string }) => void): void }).$on("query", (event) => queries.push(event.query));
      await db.prisma.letter.count();
      expect(queries.some((query) => /SELECT COUNT/i.test(query))).toBe(true);
    } finally {
      await db.close();
    }
  });
});

