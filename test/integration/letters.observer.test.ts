import { describe, expect } from "vitest";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import type { RepositoryCall } from "../../src/letters/repository-observer.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const it = databaseTest(database);

describe("LetterRepository observer", () => {
  it("is told each call that reached the database: operation, duration, outcome and error code; validation failures and observer errors change nothing", async ({ db }) => {
    const calls: RepositoryCall[] = [];
    const letters = new LetterRepository(db.prisma, { maxOffset: 500, observer: (call) => calls.push(call) });
    const created = await letters.create({ documentName: "observed.pdf", sourceFilePath: "/observed.pdf", fileHash: "sha256:observed" });
    await letters.search({ limit: 5 });
    await expect(letters.getById(created.id + 1000)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(letters.setStatus(created.id + 1000, "x")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(letters.findById(-1)).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await letters.getStatistics({ maxAgeMs: 1000 });

    expect(calls.map(({ operation, outcome, errorCode }) => ({ operation, outcome, errorCode }))).toEqual([
      { operation: "create", outcome: "ok", errorCode: undefined },
      { operation: "search", outcome: "ok", errorCode: undefined },
      { operation: "findById", outcome: "ok", errorCode: undefined },
      { operation: "setStatus", outcome: "error", errorCode: "NOT_FOUND" },
      { operation: "getStatistics", outcome: "ok", errorCode: undefined },
    ]);
    for (const call of calls) expect(call.durationSeconds).toBeGreaterThan(0);

    const throwing = new LetterRepository(db.prisma, {
      observer: () => {
        throw new Error("observer failed");
      },
    });
    expect((await throwing.findById(created.id))?.id).toBe(created.id);
  });

  it("without an observer, options are still checked as before", async ({ db }) => {
    expect(() => new LetterRepository(db.prisma, { maxOffset: 0 })).toThrow(/maxOffset/);
  });
});
