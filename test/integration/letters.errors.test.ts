import { PrismaPg } from "@prisma/adapter-pg";
import { describe, expect } from "vitest";
import { DatabaseUnavailableError, ForeignKeyViolationError, UniqueConflictError, isDatabaseError } from "../../src/errors.ts";
import { PrismaClient } from "../../src/generated/prisma/client.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { mapDatabaseError } from "../../src/map-database-error.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const it = databaseTest(database);

const caught = (promise: Promise<unknown>) => promise.then(
  () => {
    throw new Error("expected a rejection");
  },
  (error: unknown) => error,
);

describe("database errors mapped to the package's errors", () => {
  it("a unique violation is UniqueConflictError naming the constraint, and the write is rolled back", async ({ db, letters }) => {
    await database.sql("CREATE UNIQUE INDEX letters_test_unique_title ON letters (document_title)");
    await letters.create({ documentName: "one.pdf", sourceFilePath: "/one.pdf", documentTitle: "Same title" });
    const error = await caught(
      letters.create({ documentName: "two.pdf", sourceFilePath: "/two.pdf", documentTitle: "Same title", products: [{ productIdentifier: "X" }] }),
    );
    expect(error).toBeInstanceOf(UniqueConflictError);
    expect(error).toMatchObject({ code: "UNIQUE_CONFLICT", constraint: "letters_test_unique_title", table: "letters" });
    expect((error as Error).cause).toBeDefined();
    expect(await db.prisma.letter.count({ where: { documentName: "two.pdf" } })).toBe(0);

    // The same from raw SQL through Prisma.
    const raw = await caught(db.prisma.$executeRaw`INSERT INTO letters (document_name, source_file_path, document_title) VALUES ('x', 'y', 'Same title')`);
    expect(mapDatabaseError(raw)).toMatchObject({ code: "UNIQUE_CONFLICT", constraint: "letters_test_unique_title" });
    await database.sql("DROP INDEX letters_test_unique_title");
  });

  it("a foreign-key violation is ForeignKeyViolationError naming the constraint, from the query builder and from raw SQL", async ({ db }) => {
    const fromModel = mapDatabaseError(await caught(db.prisma.letterProduct.create({ data: { letterId: 987_654 } })));
    const fromRaw = mapDatabaseError(await caught(db.prisma.$executeRaw`INSERT INTO letter_products (letter_id) VALUES (987654)`));
    for (const error of [fromModel, fromRaw]) {
      expect(error).toBeInstanceOf(ForeignKeyViolationError);
      expect(error).toMatchObject({ code: "FOREIGN_KEY_VIOLATION", constraint: "letter_products_letter_id_fkey" });
    }
  });

  it("other database errors pass through unchanged", async ({ db }) => {
    const error = await caught(db.prisma.$queryRaw`SELECT 1 / 0`);
    expect(mapDatabaseError(error)).toBe(error);
    expect(isDatabaseError(mapDatabaseError(error))).toBe(false);
  });

  it("a server that refuses connections is DatabaseUnavailableError, without the password", async () => {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ host: "127.0.0.1", port: 1, user: "someone", password: "s3cret-pw" }) });
    try {
      const letters = new LetterRepository(prisma);
      const attempts = [() => letters.search(), () => letters.create({ documentName: "a", sourceFilePath: "/a" }), () => letters.getStatistics()];
      for (const attempt of attempts) {
        const error = await caught(attempt());
        expect(error).toBeInstanceOf(DatabaseUnavailableError);
        expect(error).toMatchObject({ code: "DATABASE_UNAVAILABLE", target: "127.0.0.1:1" });
        expect((error as Error).message).not.toContain("s3cret-pw");
      }
    } finally {
      await prisma.$disconnect();
    }
  });

  it("a pool with no free connection (pool timeout) is DatabaseUnavailableError", async () => {
    const db = await database.connect({ poolSize: 1, connectionTimeoutMs: 200 });
    try {
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolveHeld) => (release = resolveHeld));
      let holding: () => void = () => undefined;
      const isHolding = new Promise<void>((resolveHolding) => (holding = resolveHolding));
      const holder = db.prisma.$transaction(
        async (tx) => {
          await tx.$executeRaw`SELECT 1`;
          holding();
          await held;
        },
        { timeout: 10_000 },
      );
      await isHolding;
      const error = await caught(new LetterRepository(db.prisma).search());
      release();
      await holder;
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
    } finally {
      await db.close();
    }
  });

  it("a connection the server terminates (SQLSTATE 57P01) is DatabaseUnavailableError", async ({ db }) => {
    const error = await caught(db.prisma.$queryRaw`SELECT pg_terminate_backend(pg_backend_pid())`);
    expect(mapDatabaseError(error)).toBeInstanceOf(DatabaseUnavailableError);
  });
});
