import { beforeAll, describe, expect } from "vitest";
import { ValidationError } from "../../src/errors.ts";
import type { DatabaseClient } from "../../src/client/database-client.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { LETTER_SORT_KEYS, type LetterSearchInput, type LetterSortKey, type SortOrder } from "../../src/letters/letter-search-schemas.ts";
import { BOUNDED_WALK_ROWS } from "../../src/letters/page-steps.ts";
import { SORT_COLUMNS } from "../../src/letters/letter-sort.ts";
import { DEFAULT_MAX_FILTERED_OFFSET, DEFAULT_MAX_OFFSET, resolveOffsetWindows, type OffsetPageOptions } from "../../src/letters/offset-page.ts";
import type { LetterPage } from "../../src/letters/letter-types.ts";
import type { Prisma } from "../../src/generated/prisma/client.ts";
import { EXACT_TOTAL_LIMIT } from "../../src/letters/search-total.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";

// search() by page number: every page it serves holds exactly the letters the plain ORDER BY … OFFSET
// query gives at that position (read from the start or from the end), pages beyond both windows are
// refused, totalPages always leads to letters, and a page past the end says so. Small windows make
// every case appear on a few hundred letters.

const database = useTestDatabase();
const LETTERS = 300;
const LIMIT = 7;
const WINDOWS = { maxOffset: 60, maxFilteredOffset: 20 } satisfies OffsetPageOptions;
/** databaseTest, with `letters` paging within WINDOWS. */
const it = databaseTest(database).extend<{ letters: LetterRepository }>({
  letters: async ({ db }, use) => {
    await use(new LetterRepository(db.prisma, WINDOWS));
  },
});

beforeAll(async () => {
  // Many ties and NULLs in every sort column; 'needle' in about a third of the titles, 'rareword' in 30.
  await database.sql(`
    INSERT INTO letters (document_name, document_title, document_type, source_file_path, file_size, processing_time_ms,
      extraction_confidence, created_at, updated_at, status)
    SELECT 'doc-' || (i % 37) || '.pdf',
           CASE WHEN i % 5 = 0 THEN NULL ELSE 'title ' || (i % 11) || CASE WHEN i % 3 = 0 THEN ' needle' ELSE '' END
             || CASE WHEN i % 10 = 1 THEN ' rareword' ELSE '' END END,
           CASE WHEN i % 4 = 0 THEN NULL ELSE 'type-' || (i % 3) END,
           '/letters/' || i || '.pdf',
           CASE WHEN i % 6 = 0 THEN NULL ELSE 1000 + i % 17 END,
           CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 13) * 1.5 END,
           CASE WHEN i % 4 = 0 THEN NULL ELSE (i % 9) / 10.0 END,
           CASE WHEN i % 13 = 0 THEN NULL ELSE timestamp '2025-01-01' + (i % 10) * interval '1 day' END,
           timestamp '2025-02-01' + (i % 8) * interval '1 hour',
           (ARRAY['processed', 'failed', 'pending', 'processed', 'processed'])[1 + i % 5]
    FROM generate_series(1, ${LETTERS}) AS i`);
  await database.sql("ANALYZE letters");
});


/** Every matching id in the search's order, by the plain query (PostgreSQL's NULL placement, then id). */
async function expectedIds(where: string, sortBy: LetterSortKey, sortOrder: SortOrder): Promise<number[]> {
  const rows = await database.sql<{ id: number }>(
    `SELECT l.id FROM letters l WHERE ${where} ORDER BY ${SORT_COLUMNS[sortBy].column.sql} ${sortOrder}, l.id ${sortOrder}`,
  );
  return rows.map((row) => row.id);
}

/** Runs `work` on a repository inside a transaction of `db` that is rolled back, so its changes stay there. */
async function inRolledBackTransaction(
  db: DatabaseClient,
  options: OffsetPageOptions,
  work: (letters: LetterRepository, tx: Prisma.TransactionClient) => Promise<void>,
): Promise<void> {
  const rollBack = new Error("roll back");
  await db.prisma
    .$transaction(async (tx) => {
      await work(new LetterRepository(tx, options), tx);
      throw rollBack;
    })
    .catch((error: unknown) => {
      if (error !== rollBack) throw error;
    });
}

const ids = (page: LetterPage) => page.data.map((letter) => letter.id);

/** The error search() throws for `input`, or a failure when it returns. */
async function refusal(letters: LetterRepository, input: LetterSearchInput): Promise<ValidationError> {
  const error = await letters.search(input).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `page ${input.page} was served`).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

/**
 * Walks every page number from 1 to one past `totalPages` and checks each against `expected`: pages within
 * the window from the start hold the rows at their offset; with an exact total, every page does, from
 * either end; with an estimate, pages near the end are numbered back from totalPages; pages between the
 * windows are refused with a pointer to searchByCursor.
 */
async function checkEveryPage(letters: LetterRepository, input: LetterSearchInput, expected: number[], window: number): Promise<{ exact: boolean; refused: number }> {
  const first = await letters.search({ ...input, limit: LIMIT });
  const { totalPages, totalExact, total } = first;
  if (totalExact) expect(total).toBe(expected.length);
  let refused = 0;
  for (let page = 1; page <= totalPages; page++) {
    const offset = (page - 1) * LIMIT;
    const fromEnd = (totalPages - page) * LIMIT;
    const label = `${JSON.stringify(input)} page ${page} of ${totalPages} (total ${total}, exact ${totalExact})`;
    if (offset < window || totalExact) {
      const result = await letters.search({ ...input, limit: LIMIT, page });
      expect(ids(result), label).toEqual(expected.slice(offset, offset + LIMIT));
      expect(result).toMatchObject({ total, totalExact, totalPages, page, limit: LIMIT });
    } else if (fromEnd < window) {
      const result = await letters.search({ ...input, limit: LIMIT, page });
      const end = expected.length - fromEnd;
      expect(ids(result), label).toEqual(expected.slice(Math.max(0, end - LIMIT), end));
      expect(result).toMatchObject({ totalExact: false, totalPages, page });
    } else {
      const error = await refusal(letters, { ...input, limit: LIMIT, page });
      expect(error.issues).toEqual([{ path: "page", message: expect.stringContaining("use searchByCursor") }]);
      refused++;
    }
  }
  // With an estimate, at least one page between the windows is refused: paging on from the last page served
  // from the start never jumps to a page read from the end, over letters never shown.
  if (!totalExact) expect(refused, "no refused page between the windows").toBeGreaterThan(0);
  // totalPages leads to letters, and so does -1, the same page counted from the end.
  const last = await letters.search({ ...input, limit: LIMIT, page: totalPages });
  expect(last.data.length).toBeGreaterThan(0);
  expect(await letters.search({ ...input, limit: LIMIT, page: -1 })).toEqual(last);
  // The page after it is past the end: empty with an exact total; the last page again with an estimated one.
  const past = await letters.search({ ...input, limit: LIMIT, page: totalPages + 1 });
  expect(past).toEqual(totalExact ? { ...last, data: [], page: totalPages + 1 } : last);
  return { exact: totalExact, refused };
}

describe("search() by page number", () => {
  it("serves every page of an unfiltered list in every order: the first and last windows exactly where the plain query puts them, the middle refused", async ({ letters }) => {
    for (const sortBy of LETTER_SORT_KEYS) {
      for (const sortOrder of ["asc", "desc"] as const) {
        const outcome = await checkEveryPage(letters, { sortBy, sortOrder }, await expectedIds("TRUE", sortBy, sortOrder), WINDOWS.maxOffset);
        // 300 letters, more than twice the window of 60: an estimated total, some pages refused.
        expect(outcome).toMatchObject({ exact: false });
        expect(outcome.refused).toBeGreaterThan(0);
      }
    }
  });

  it("serves every page of a text search with a large match set in the filtered window, from either end, in every order", async ({ letters }) => {
    for (const sortBy of LETTER_SORT_KEYS) {
      for (const sortOrder of ["asc", "desc"] as const) {
        const expected = await expectedIds("document_title ILIKE '%needle%'", sortBy, sortOrder);
        const outcome = await checkEveryPage(letters, { query: "NEEDLE", sortBy, sortOrder }, expected, WINDOWS.maxFilteredOffset);
        expect(outcome).toMatchObject({ exact: false });
      }
    }
  });

  it("counts a match set of at most twice the window exactly and serves all its pages, those past the window read from the end", async ({ letters }) => {
    for (const sortBy of ["documentName", "createdAt", "extractionConfidence"] as const) {
      for (const sortOrder of ["asc", "desc"] as const) {
        const expected = await expectedIds("document_title ILIKE '%rareword%'", sortBy, sortOrder);
        expect(expected.length).toBeGreaterThan(WINDOWS.maxFilteredOffset);
        expect(expected.length).toBeLessThanOrEqual(2 * WINDOWS.maxFilteredOffset);
        expect(await checkEveryPage(letters, { query: "rareword", sortBy, sortOrder }, expected, WINDOWS.maxFilteredOffset)).toEqual({ exact: true, refused: 0 });
      }
    }
    // One status in creation order is walked in an index: the index window applies, and it is counted there.
    const failed = await expectedIds("status = 'failed'", "createdAt", "desc");
    expect(await checkEveryPage(letters, { status: "failed" }, failed, WINDOWS.maxOffset)).toEqual({ exact: true, refused: 0 });
  });

  it("keeps a refused page between the windows when the estimate is far too low (letters added since ANALYZE)", async ({ db }) => {
    await inRolledBackTransaction(db, WINDOWS, async (letters, tx) => {
      // 30 letters matched 'rareword' at ANALYZE; 90 do now, and the planner still expects about 30.
      await tx.$executeRawUnsafe(
        "INSERT INTO letters (document_name, document_title, source_file_path) SELECT 'added-' || i, 'rareword ' || i, '/added/' || i FROM generate_series(1, 60) AS i",
      );
      const expected = (await tx.$queryRawUnsafe<{ id: number }[]>("SELECT id FROM letters WHERE document_title ILIKE '%rareword%' ORDER BY created_at DESC, id DESC")).map(
        (row) => row.id,
      );
      const outcome = await checkEveryPage(letters, { query: "rareword" }, expected, WINDOWS.maxFilteredOffset);
      expect(outcome.exact).toBe(false);
    });
  });

  it("finds the pages of a text search sorted by a text key by collecting its matches when a walk of BOUNDED_WALK_ROWS finds too few", async ({ db }) => {
    await inRolledBackTransaction(db, WINDOWS, async (letters, tx) => {
      // More letters than a bounded walk reads, none matching, all first by name: the walk from the start
      // finds nothing and the page comes from the collected matches; from the end the walk finds them.
      await tx.$executeRawUnsafe(
        `INSERT INTO letters (document_name, source_file_path) SELECT 'aaa-' || i, '/aaa/' || i FROM generate_series(1, ${BOUNDED_WALK_ROWS + 500}) AS i`,
      );
      for (const sortOrder of ["asc", "desc"] as const) {
        const expected = (
          await tx.$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM letters WHERE document_title ILIKE '%needle%' ORDER BY document_name ${sortOrder}, id ${sortOrder}`)
        ).map((row) => row.id);
        await checkEveryPage(letters, { query: "needle", sortBy: "documentName", sortOrder }, expected, WINDOWS.maxFilteredOffset);
        const { totalPages } = await letters.search({ query: "needle", sortBy: "documentName", sortOrder, limit: LIMIT });
        expect(ids(await letters.search({ query: "needle", sortBy: "documentName", sortOrder, limit: LIMIT, page: totalPages }))).toEqual(expected.slice(-LIMIT));
      }
    });
  });

  it("serves every page of a sparse term in every kind of order, exactly, whichever step finds it (walk, prefix of the order, all matches)", async ({ db }) => {
    // 20,000 more letters, 'sparseterm' in 5% of them, confidence independent of it with NULLs: with a bounded
    // walk of 2,000 rows, pages 1-14 are walked, pages up to about 48 are found among the matches of a
    // prefix of the order, deeper ones by collecting every match (see readPageRows).
    await inRolledBackTransaction(db, { maxOffset: 60, maxFilteredOffset: 1000 }, async (letters, tx) => {
      await tx.$executeRawUnsafe(`INSERT INTO letters (document_name, document_title, source_file_path, extraction_confidence)
        SELECT 'sparse-' || i, CASE WHEN i % 20 = 0 THEN 'sparseterm ' || i ELSE 'other ' || i END, '/sparse/' || i,
               CASE WHEN i % 9 = 0 THEN NULL ELSE ((hashint4(i) & 1023) / 1023.0)::real END
        FROM generate_series(1, 20000) AS i`);
      await tx.$executeRawUnsafe("ANALYZE letters");
      // In the table's orders too (created_at, the same for all 20,000: one transaction; id), whose walks go further.
      const orders = [["extractionConfidence", "extraction_confidence"], ["createdAt", "created_at"], ["id", "id"]] as const;
      for (const [sortBy, column] of orders) {
        for (const sortOrder of ["asc", "desc"] as const) {
          const expected = (
            await tx.$queryRawUnsafe<{ id: number }[]>(
              `SELECT id FROM letters WHERE document_title ILIKE '%sparseterm%' ORDER BY ${column} ${sortOrder}, id ${sortOrder}`,
            )
          ).map((row) => row.id);
          expect(expected.length).toBe(1000);
          expect(await checkEveryPage(letters, { query: "sparseterm", sortBy, sortOrder }, expected, 1000), `${sortBy} ${sortOrder}`).toEqual({ exact: true, refused: 0 });
        }
      }
    });
  });

  it("counts negative pages back from the end: -1 is the last page however the estimate moves, -k the k-th from the end", async ({ db, letters }) => {
    await inRolledBackTransaction(db, WINDOWS, async (letters, tx) => {
      const before = await letters.search({ limit: LIMIT });
      expect(before.totalExact).toBe(false);
      // New letters make the table longer: the estimate, and with it totalPages, grows.
      await tx.$executeRawUnsafe("INSERT INTO letters (document_name, source_file_path) SELECT 'later-' || i, '/later/' || i FROM generate_series(1, 700) AS i");
      const expected = await (async () =>
        (await tx.$queryRawUnsafe<{ id: number }[]>("SELECT id FROM letters ORDER BY created_at DESC, id DESC")).map((row) => row.id))();
      const last = await letters.search({ limit: LIMIT, page: -1 });
      expect(last.totalPages).toBeGreaterThan(before.totalPages);
      expect(last.page).toBe(last.totalPages);
      expect(ids(last)).toEqual(expected.slice(-LIMIT));
      for (const back of [2, 5, 9]) {
        const page = await letters.search({ limit: LIMIT, page: -back });
        expect(page.page).toBe(last.totalPages + 1 - back);
        expect(ids(page)).toEqual(expected.slice(expected.length - back * LIMIT, expected.length - (back - 1) * LIMIT));
      }
      // The old last page number is now beyond the window from the end: refused, naming the pages served.
      expect((await refusal(letters, { limit: LIMIT, page: before.totalPages })).issues[0]!.message).toContain(`to ${last.totalPages} are served`);
      expect((await refusal(letters, { limit: LIMIT, page: -10 })).issues[0]!.message).toContain("use searchByCursor");
    });
    // An exact total: -1 is the (short) last page, and a page before the first is empty.
    expect(await letters.search({ query: "rareword", limit: LIMIT, page: -1 })).toMatchObject({ page: 5, total: 30, totalExact: true, data: { length: 2 } });
    expect(await letters.search({ query: "rareword", limit: LIMIT, page: -5 })).toMatchObject({ page: 1, data: { length: 7 } });
    expect(await letters.search({ query: "rareword", limit: LIMIT, page: -6 })).toMatchObject({ page: -6, total: 30, totalExact: true, data: [] });
    expect(await refusal(letters, { page: 0 })).toBeInstanceOf(ValidationError);
  });

  it("says a page past the end is past it: empty, with the exact total, whether read from the start or the end", async ({ letters }) => {
    // 30 matches: pages 1–3 from the start, 4–5 from the end, 6 past the end.
    expect(await letters.search({ query: "rareword", limit: LIMIT, page: 6 })).toMatchObject({ data: [], total: 30, totalExact: true, totalPages: 5 });
    expect(await letters.search({ query: "rareword", limit: LIMIT, page: 600 })).toMatchObject({ data: [], total: 30, totalExact: true });
    // Within the window from the start, past the end of a 10-letter list: counted, not estimated.
    expect(await letters.search({ query: "rareword", documentType: "type-0", limit: 5, page: 3 })).toMatchObject({ data: [], total: 10, totalExact: true, totalPages: 2 });
    expect(await letters.search({ query: "rareword", limit: 5, page: 8 })).toMatchObject({ data: [], total: 30, totalExact: true, totalPages: 6 });
  });

  it("finds the true total when the estimate is far too high (letters deleted since ANALYZE): the walk from the end runs out", async ({ db }) => {
    await inRolledBackTransaction(db, WINDOWS, async (letters, tx) => {
      await tx.$executeRawUnsafe("DELETE FROM letters WHERE id > 50");
      const first = await letters.search({ limit: LIMIT, sortBy: "id", sortOrder: "asc" });
      expect(first.totalExact).toBe(false); // the planner still expects about 300
      const last = await letters.search({ limit: LIMIT, sortBy: "id", sortOrder: "asc", page: first.totalPages });
      expect(ids(last)).toEqual([44, 45, 46, 47, 48, 49, 50]);
      // 49 rows from the end (within the window of 60) there is 1 letter left, so the true total is 50:
      // this page number is past its end.
      const deep = await letters.search({ limit: LIMIT, sortBy: "id", sortOrder: "asc", page: first.totalPages - 7 });
      expect(deep).toMatchObject({ data: [], total: 50, totalExact: true, totalPages: 8 });
    });
  });

  it("refuses a page beyond both windows with a ValidationError naming the pages served and searchByCursor", async ({ letters }) => {
    const { totalPages } = await letters.search({ limit: 10 });
    const error = await refusal(letters, { limit: 10, page: 20 });
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.issues[0]!.message).toBe(
      `20 is too deep for a page number: of about ${totalPages} pages of 10, pages 1 to 6 and ${totalPages - 5} to ${totalPages} are served ` +
        "(the first and last 60 letters, option maxOffset); use searchByCursor to read further",
    );
    expect((await refusal(letters, { query: "needle", limit: 10, page: 4 })).issues[0]!.message).toContain("option maxFilteredOffset");
  });

  it("has documented defaults (100,000 and 1,000 letters from either end), refuses bad windows, and counts text searches exactly up to EXACT_TOTAL_LIMIT", async ({ db }) => {
    expect(resolveOffsetWindows()).toEqual({ maxOffset: DEFAULT_MAX_OFFSET, maxFilteredOffset: DEFAULT_MAX_FILTERED_OFFSET });
    expect([DEFAULT_MAX_OFFSET, DEFAULT_MAX_FILTERED_OFFSET, EXACT_TOTAL_LIMIT]).toEqual([100_000, 1_000, 2 * DEFAULT_MAX_FILTERED_OFFSET]);
    for (const [options, path] of [
      [{ maxOffset: 0 }, "maxOffset"],
      [{ maxFilteredOffset: 1.5 }, "maxFilteredOffset"],
      [{ maxOfset: 10 }, "maxOfset"],
    ] as const) {
      expect(() => new LetterRepository(db.prisma, options as OffsetPageOptions)).toThrow(ValidationError);
      try {
        new LetterRepository(db.prisma, options as OffsetPageOptions);
      } catch (error) {
        expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([path]);
      }
    }
    // The default filtered window on a text search of 2,100 matches: page 40 (letters 976–1,000) is served,
    // page 41 is refused, and the last page holds the last 25 letters.
    await inRolledBackTransaction(db, {}, async (letters, tx) => {
      await tx.$executeRawUnsafe("INSERT INTO letters (document_name, source_file_path) SELECT 'deepword-' || i, '/deep/' || i FROM generate_series(1, 2100) AS i");
      const expected = (await tx.$queryRawUnsafe<{ id: number }[]>("SELECT id FROM letters WHERE document_name LIKE 'deepword-%' ORDER BY created_at DESC, id DESC")).map((row) => row.id);
      const first = await letters.search({ query: "deepword" });
      expect(first.totalExact).toBe(false);
      expect(ids(await letters.search({ query: "deepword", page: 40 }))).toEqual(expected.slice(975, 1000));
      expect((await refusal(letters, { query: "deepword", page: 41 })).issues[0]!.message).toContain("pages 1 to 40 and");
      expect(ids(await letters.search({ query: "deepword", page: first.totalPages }))).toEqual(expected.slice(-25));
    });
  });
});
