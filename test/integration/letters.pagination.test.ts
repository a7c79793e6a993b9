import { beforeAll, describe, expect } from "vitest";
import { ValidationError } from "../../src/errors.ts";
import { Prisma } from "../../src/generated/prisma/client.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { letterCursorSearchInputSchema, type LetterCursorSearchInput, type LetterSortKey, type SortOrder } from "../../src/letters/letter-search-schemas.ts";
import { keysetSegmentQueries } from "../../src/letters/letter-search.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const it = databaseTest(database);

const INITIAL = 150;
const CONFIDENCES = [null, 0.1, 0.5, 0.9] as const;
const moment = (index: number) => new Date(Date.UTC(2025, 0, 1 + (index % 10), 8, 0, 0, 0)); // 10 values: many ties

beforeAll(async () => {
  const db = await database.connect();
  try {
    const letters = new LetterRepository(db.prisma);
    for (let index = 0; index < INITIAL; index++) {
      const confidence = CONFIDENCES[index % CONFIDENCES.length]!;
      await letters.create({
        documentName: `initial-${String(index % 37).padStart(2, "0")}.pdf`,
        sourceFilePath: `/initial/${index}.pdf`,
        createdAt: moment(index),
        ...(confidence === null ? {} : { extractionConfidence: confidence }),
      });
    }
    // Some rows without a creation time, to page across the NULLs as well.
    await database.sql("UPDATE letters SET created_at = NULL WHERE id % 13 = 0");
    // Microseconds a JavaScript Date cannot hold: the cursor must not lose them.
    await database.sql("UPDATE letters SET created_at = created_at + interval '0.000123 seconds' * (id % 3) WHERE created_at IS NOT NULL");
  } finally {
    await db.close();
  }
});

async function initialIds(): Promise<number[]> {
  return (await database.sql<{ id: number }>("SELECT id FROM letters WHERE source_file_path LIKE '/initial/%' ORDER BY id")).map((row) => row.id);
}

/**
 * Inserts letters from a second client until stopped: some at random positions inside the existing
 * order (old creation times, any confidence), some at the end (creation time now); only the latter
 * with `onlyAtTheEnd`.
 */
function startInserter(options: { onlyAtTheEnd?: boolean } = {}) {
  let stop = false;
  let inserted = 0;
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolveStarted) => (markStarted = resolveStarted));
  const done = (async () => {
    const db = await database.connect();
    try {
      const letters = new LetterRepository(db.prisma);
      while (!stop) {
        const index = Math.floor(Math.random() * 1000);
        const confidence = CONFIDENCES[index % CONFIDENCES.length]!;
        await letters.create({
          documentName: `concurrent-${index}.pdf`,
          sourceFilePath: `/concurrent/${inserted}.pdf`,
          ...(index % 2 === 0 && !options.onlyAtTheEnd ? { createdAt: moment(index) } : {}),
          ...(confidence === null ? {} : { extractionConfidence: confidence }),
        });
        inserted++;
        markStarted();
        await new Promise((resolveDelay) => setTimeout(resolveDelay, 2));
      }
    } finally {
      await db.close();
      markStarted();
    }
    return inserted;
  })();
  return {
    /** Resolves once the first concurrent letter is stored. */
    started,
    async stop() {
      stop = true;
      return done;
    },
  };
}

function expectEachInitialRowOnce(seen: number[], initial: number[]): void {
  expect(new Set(seen).size, "a row was returned twice").toBe(seen.length);
  const seenSet = new Set(seen);
  expect(initial.filter((id) => !seenSet.has(id)), "rows that existed at the start were skipped").toEqual([]);
}

describe("keyset pagination (searchByCursor) during concurrent inserts", () => {
  const sorts: [LetterSortKey, SortOrder][] = [
    ["createdAt", "desc"],
    ["createdAt", "asc"],
    ["extractionConfidence", "asc"],
    ["extractionConfidence", "desc"],
    ["documentName", "asc"],
    ["id", "desc"],
  ];
  for (const [sortBy, sortOrder] of sorts) {
    it(`sees every initial row exactly once, sorted by ${sortBy} ${sortOrder}`, async ({ letters }) => {
      const initial = await initialIds();
      const inserter = startInserter();
      await inserter.started;
      try {
        const seen: number[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page: Awaited<ReturnType<LetterRepository["searchByCursor"]>> = await letters.searchByCursor({
            sortBy,
            sortOrder,
            limit: 7,
            ...(cursor === undefined ? {} : { cursor }),
          });
          seen.push(...page.data.map((letter) => letter.id));
          cursor = page.nextCursor ?? undefined;
          pages++;
          expect(pages).toBeLessThan(500);
        } while (cursor !== undefined);
        expect(await inserter.stop()).toBeGreaterThan(0);
        expectEachInitialRowOnce(seen, initial);
      } finally {
        await inserter.stop();
      }
    });
  }

  for (const [sortBy, sortOrder] of sorts) {
    it(`follows the same order as page/limit search when nothing changes (${sortBy} ${sortOrder})`, async ({ letters }) => {
      const filters = { query: "initial-1", sortBy, sortOrder };
      const byOffset = (await letters.search({ ...filters, limit: 100 })).data.map((letter) => letter.id);
      const byCursor: number[] = [];
      let cursor: string | null | undefined;
      do {
        const page = await letters.searchByCursor({ ...filters, limit: 4, ...(cursor ? { cursor } : {}) });
        byCursor.push(...page.data.map((letter) => letter.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(byOffset.length).toBeGreaterThan(8);
      expect(byCursor).toEqual(byOffset);
    });
  }
});

describe("page/limit pagination (search) during concurrent inserts", () => {
  async function walk(letters: LetterRepository, input: { sortBy: LetterSortKey; sortOrder: SortOrder; createdTo?: Date }): Promise<number[]> {
    const seen: number[] = [];
    for (let page = 1; ; page++) {
      const result = await letters.search({ ...input, page, limit: 7 });
      seen.push(...result.data.map((letter) => letter.id));
      if (result.data.length < 7) return seen;
      expect(page).toBeLessThan(500);
    }
  }

  it("sees every initial row exactly once in ascending id order, where new rows come last", async ({ letters }) => {
    const initial = await initialIds();
    const inserter = startInserter();
    await inserter.started;
    try {
      expectEachInitialRowOnce(await walk(letters, { sortBy: "id", sortOrder: "asc" }), initial);
    } finally {
      expect(await inserter.stop()).toBeGreaterThan(0);
    }
  });

  it("sees every initial row exactly once newest first, when createdTo fixes the set at the start", async ({ letters }) => {
    await database.sql("DELETE FROM letters WHERE source_file_path LIKE '/concurrent/%'");
    const startedAt = new Date(Date.now() + 1);
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 5));
    const initialWithTime = (await database.sql<{ id: number }>("SELECT id FROM letters WHERE created_at IS NOT NULL ORDER BY id")).map(
      (row) => row.id,
    );
    const inserter = startInserter({ onlyAtTheEnd: true });
    await inserter.started;
    try {
      const seen = await walk(letters, { sortBy: "createdAt", sortOrder: "desc", createdTo: startedAt });
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort((a, b) => a - b)).toEqual(initialWithTime);
    } finally {
      expect(await inserter.stop()).toBeGreaterThan(0);
    }
  });
});

describe("keyset cursor", () => {
  it("is refused when malformed, tampered or issued for another sort", async ({ letters }) => {
    const { nextCursor } = await letters.searchByCursor({ limit: 2 });
    expect(nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const forged = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString("base64url");
    for (const cursor of [
      "not a cursor!",
      "e30",
      forged({ s: "createdAt", o: "desc", v: "yesterday", i: 1 }),
      forged({ s: "createdAt", o: "desc", v: "2025-01-01 00:00:00", i: -1 }),
      forged({ s: "id", o: "desc", v: null, i: 1 }),
    ]) {
      const error = await letters.searchByCursor({ cursor }).catch((thrown: unknown) => thrown);
      expect(error, cursor).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.path).toBe("cursor");
    }
    await expect(letters.searchByCursor({ cursor: nextCursor!, sortOrder: "asc" })).rejects.toThrow(/issued for sortBy=createdAt sortOrder=desc/);
  });

  it("a deep page in the default order starts at the cursor in a created_at index, with no full sort", async ({ db }) => {
    const filters = letterCursorSearchInputSchema.parse({} satisfies LetterCursorSearchInput);
    const [query] = keysetSegmentQueries(filters, { sortBy: "createdAt", sortOrder: "desc", value: "2025-01-05 08:00:00", id: 50 }).map((build) => build(26));
    const text = await db.prisma.$transaction(async (tx) => {
      // The table is small: make the planner show the plan it would pick for a large one.
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      await tx.$executeRaw`SET LOCAL enable_bitmapscan = off`;
      const rows = await tx.$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN ${query!}`);
      return rows.map((row) => row["QUERY PLAN"]).join("\n");
    });
    // The scan starts at the cursor (not at the first row), in order: a page costs the same at any
    // depth. The (created_at, id) index starts exactly at the cursor's row.
    expect(text).toMatch(/Index Scan Backward using idx_letters_created_at_id/);
    expect(text).toMatch(/Index Cond: \(.*ROW\(created_at, id\) < ROW\('2025-01-05 08:00:00'.*, 50\)\)/);
    expect(text).not.toMatch(/(^|->\s+)Sort\s+\(/m);
  });
});
