import { describe, expect } from "vitest";
import { ValidationError } from "../../src/errors.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { COUNT_WHEN_ESTIMATE_BELOW, EXACT_TOTAL_LIMIT } from "../../src/letters/search-total.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";

// The search total (exact up to EXACT_TOTAL_LIMIT, an estimate beyond) and the statistics cache.

const database = useTestDatabase();
const it = databaseTest(database);

/** Adds `count` letters whose name contains `word`, then refreshes the planner's statistics. */
async function addLetters(word: string, count: number): Promise<void> {
  await database.sql(
    `INSERT INTO letters (document_name, source_file_path) SELECT $1 || '-' || g || '.pdf', '/letters/' || g FROM generate_series(1, $2::int) g`,
    [word, count],
  );
  await database.sql("ANALYZE letters");
}

describe("LetterRepository.search total", () => {
  it("is an exact count up to EXACT_TOTAL_LIMIT matches", async ({ letters }) => {
    await addLetters("exactword", EXACT_TOTAL_LIMIT);
    const page = await letters.search({ query: "exactword", limit: 10 });
    expect(page).toMatchObject({ total: EXACT_TOTAL_LIMIT, totalExact: true, totalPages: EXACT_TOTAL_LIMIT / 10 });
    expect(page.data).toHaveLength(10);
  });

  it("is an estimate, at least EXACT_TOTAL_LIMIT + 1, once more letters match", async ({ letters }) => {
    await addLetters("overword", EXACT_TOTAL_LIMIT + 1);
    const page = await letters.search({ query: "overword", limit: 10 });
    expect(page.totalExact).toBe(false);
    expect(page.total).toBeGreaterThanOrEqual(EXACT_TOTAL_LIMIT + 1);
    expect(page.totalPages).toBe(Math.ceil(page.total / 10));
  });

  it("is PostgreSQL's estimate, of the right size, for a match set the planner expects to be large", async ({ letters }) => {
    const count = 2 * COUNT_WHEN_ESTIMATE_BELOW;
    await addLetters("hugeword", count);
    const page = await letters.search({ query: "hugeword" });
    expect(page.totalExact).toBe(false);
    expect(page.total).toBeGreaterThan(count / 2);
    expect(page.total).toBeLessThan(count * 2);
  });

  it("is exact, without a count, on a short last page, whatever the size of the match set", async ({ letters }) => {
    await addLetters("shortword", 30);
    expect(await letters.search({ query: "shortword", limit: 25, page: 2 })).toMatchObject({ total: 30, totalExact: true, totalPages: 2 });
    expect((await letters.search({ query: "shortword", limit: 25, page: 2 })).data).toHaveLength(5);
    expect(await letters.search({ query: "shortword", limit: 25, page: 3 })).toMatchObject({ total: 30, totalExact: true, data: [] });
    expect(await letters.search({ query: "no letter has this" })).toMatchObject({ total: 0, totalExact: true, totalPages: 0 });
  });
});

describe("LetterRepository.getStatistics({ maxAgeMs })", () => {
  it("computes fresh figures by default and serves cached ones within maxAgeMs, shared by repositories on one client", async ({ db, letters }) => {
    const cached = await letters.getStatistics({ maxAgeMs: 600_000 });
    await addLetters("statsword", 3);
    expect(await letters.getStatistics({ maxAgeMs: 600_000 })).toEqual(cached);
    expect(await new LetterRepository(db.prisma).getStatistics({ maxAgeMs: 600_000 })).toEqual(cached);
    const fresh = await letters.getStatistics();
    expect(fresh.totalLetters).toBe(cached.totalLetters + 3);
  });

  it("returns stale figures at once and refreshes them in the background", async ({ letters }) => {
    const first = await letters.getStatistics({ maxAgeMs: 1 });
    await addLetters("staleword", 2);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await letters.getStatistics({ maxAgeMs: 1 })).toEqual(first);
    let latest = first;
    for (let attempt = 0; attempt < 100 && latest.totalLetters === first.totalLetters; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      latest = await letters.getStatistics({ maxAgeMs: 1 });
    }
    expect(latest.totalLetters).toBe(first.totalLetters + 2);
  });

  it("never caches on a transaction client, so a transaction sees its own writes", async ({ db }) => {
    const before = await new LetterRepository(db.prisma).getStatistics({ maxAgeMs: 600_000 });
    await db.prisma.$transaction(async (tx) => {
      const letters = new LetterRepository(tx);
      await letters.create({ documentName: "in-transaction.pdf", sourceFilePath: "/in-transaction.pdf" });
      expect((await letters.getStatistics({ maxAgeMs: 600_000 })).totalLetters).toBe(before.totalLetters + 1);
      await letters.create({ documentName: "in-transaction-2.pdf", sourceFilePath: "/in-transaction-2.pdf" });
      expect((await letters.getStatistics({ maxAgeMs: 600_000 })).totalLetters).toBe(before.totalLetters + 2);
    });
  });

  it("rejects a maxAgeMs that is not a whole number of milliseconds from 0 to a day", async ({ letters }) => {
    for (const maxAgeMs of [-1, 1.5, 86_400_001, Number.NaN]) {
      await expect(letters.getStatistics({ maxAgeMs })).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(letters.getStatistics({ maxAge: 5 } as never)).rejects.toBeInstanceOf(ValidationError);
  });
});
