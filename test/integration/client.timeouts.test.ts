import { describe, expect, it } from "vitest";
import { DatabaseError, QueryTimeoutError } from "../../src/errors.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { mapDatabaseError } from "../../src/map-database-error.ts";
import { withLockHeld } from "../support/held-lock.ts";
import { useProcessErrorSpy } from "../support/process-error-spy.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
useProcessErrorSpy();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const whileLocked = <T>(lockSql: string, values: unknown[], work: () => Promise<T>) => withLockHeld(database.url, lockSql, values, work);

async function timed<T>(work: () => Promise<T>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await work().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { error, ms: performance.now() - started };
}

describe("statement timeout", () => {
  it("cancels a slow statement with QueryTimeoutError, and the pool's only connection stays usable", async () => {
    const db = await database.connect({ poolSize: 1, statementTimeoutMs: 300 });
    try {
      const error = mapDatabaseError(await db.prisma.$queryRaw`SELECT pg_sleep(5)`.catch((caught: unknown) => caught));
      expect(error).toBeInstanceOf(QueryTimeoutError);
      expect(error).toMatchObject({ code: "QUERY_TIMEOUT", timeout: "statement" });
      expect((error as Error).message).toMatch(/statement timeout.*SQLSTATE 57014.*statementTimeoutMs \(DB_STATEMENT_TIMEOUT\)/s);
      const [row] = await db.prisma.$queryRaw<{ one: number }[]>`SELECT 1::int AS one`;
      expect(row?.one).toBe(1);
      expect(db.pool.totalCount).toBe(1);
    } finally {
      await db.close();
    }
  });

  it("a repository write blocked by another session's row lock fails with QueryTimeoutError, writes nothing, and the next write succeeds", async () => {
    const db = await database.connect({ poolSize: 1, statementTimeoutMs: 400 });
    try {
      const letters = new LetterRepository(db.prisma);
      const letter = await letters.create({ documentName: "locked.pdf", sourceFilePath: "/locked.pdf" });
      const { error, ms } = await whileLocked("SELECT 1 FROM letters WHERE id = $1 FOR UPDATE", [letter.id], () =>
        timed(() => letters.setStatus(letter.id, "blocked")),
      );
      expect(error).toBeInstanceOf(QueryTimeoutError);
      expect(error).toMatchObject({ code: "QUERY_TIMEOUT", timeout: "statement" });
      expect(ms).toBeGreaterThanOrEqual(350);
      expect(ms).toBeLessThan(3_000);
      expect((await letters.getById(letter.id)).status).toBe(letter.status);
      expect((await letters.setStatus(letter.id, "processed")).status).toBe("processed");
    } finally {
      await db.close();
    }
  });

  it("createOrReplaceByFileHash waiting for another writer of the hash fails with QueryTimeoutError and rolls back", async () => {
    const db = await database.connect({ poolSize: 2, statementTimeoutMs: 400 });
    try {
      const letters = new LetterRepository(db.prisma);
      const input = { documentName: "hash.pdf", sourceFilePath: "/hash.pdf", fileHash: "sha256:timeout-hash", products: [{ productIdentifier: "P" }] };
      await letters.createOrReplaceByFileHash(input);
      // The repository serializes writers of one hash with this advisory lock: hold it as another writer would.
      const { error } = await whileLocked("SELECT pg_advisory_xact_lock(1936027000::int, hashtext($1))", [input.fileHash], () =>
        timed(() => letters.createOrReplaceByFileHash({ ...input, documentName: "second.pdf" })),
      );
      expect(error).toMatchObject({ code: "QUERY_TIMEOUT", timeout: "statement" });
      const stored = await letters.findByFileHash(input.fileHash);
      expect(stored.map((letter) => letter.documentName)).toEqual(["hash.pdf"]);
      expect((await letters.createOrReplaceByFileHash({ ...input, documentName: "third.pdf" })).letter.documentName).toBe("third.pdf");
    } finally {
      await db.close();
    }
  });
});

describe("idle-in-transaction timeout", () => {
  it("a caller's transaction left idle is ended by the server; the next call fails with a typed error and the pool recovers", async () => {
    const db = await database.connect({ poolSize: 1, idleInTransactionTimeoutMs: 300 });
    try {
      const letters = new LetterRepository(db.prisma);
      const letter = await letters.create({ documentName: "idle.pdf", sourceFilePath: "/idle.pdf" });
      const error = await db.prisma
        .$transaction(
          async (tx) => {
            const inTransaction = new LetterRepository(tx);
            await inTransaction.setStatus(letter.id, "in-transaction");
            await sleep(1_200);
            await inTransaction.setStatus(letter.id, "after-idle");
          },
          { timeout: 10_000 },
        )
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DatabaseError);
      expect(error).toMatchObject({ code: "QUERY_TIMEOUT", timeout: "idle-in-transaction" });
      expect((error as Error).message).toMatch(/idle longer than the idle-in-transaction timeout.*idleInTransactionTimeoutMs \(DB_IDLE_IN_TRANSACTION_TIMEOUT\)/s);
      expect((await letters.getById(letter.id)).status).toBe(letter.status);
      expect((await letters.setStatus(letter.id, "processed")).status).toBe("processed");
    } finally {
      await db.close();
    }
  });
});

describe("interactive transaction timeout", () => {
  it("bounds a whole transaction by queryTimeoutMs instead of Prisma's 5 s; its expiry maps to QueryTimeoutError and rolls back", async () => {
    const db = await database.connect({ poolSize: 1, statementTimeoutMs: 0, queryTimeoutMs: 400 });
    try {
      const before = await database.sql<{ count: number }>("SELECT count(*)::int AS count FROM letters");
      // No statement is in flight while the transaction idles, so only the transaction's own bound can fire.
      const outcome = await db.prisma
        .$transaction(async (tx) => {
          await tx.$executeRaw`INSERT INTO letters (document_name, source_file_path) VALUES ('tx-timeout.pdf', '/tx-timeout.pdf')`;
          await sleep(900);
          await tx.$queryRaw`SELECT 1`;
        })
        .catch((caught: unknown) => caught);
      const error = mapDatabaseError(outcome);
      expect(error).toBeInstanceOf(QueryTimeoutError);
      expect(error).toMatchObject({ code: "QUERY_TIMEOUT", timeout: "transaction" });
      expect((error as Error).message).toMatch(/queryTimeoutMs, DB_QUERY_TIMEOUT/);
      expect(await database.sql<{ count: number }>("SELECT count(*)::int AS count FROM letters")).toEqual(before);
      // The connection is usable afterwards, and a short transaction still commits.
      await db.prisma.$transaction(async (tx) => tx.$queryRaw`SELECT 1`);
    } finally {
      await db.close();
    }
  });

  it("lets a transaction outlive Prisma's 5 s default when queryTimeoutMs allows it", async () => {
    const db = await database.connect({ poolSize: 1, statementTimeoutMs: 0, queryTimeoutMs: 20_000 });
    try {
      const result = await db.prisma.$transaction(async (tx) => {
        await sleep(5_500);
        return tx.$queryRaw<{ one: number }[]>`SELECT 1::int AS one`;
      });
      expect(result).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });
});
