import { beforeAll, describe, expect } from "vitest";
import type { DatabaseClient } from "../../src/client/database-client.ts";
import { ValidationError } from "../../src/errors.ts";
import { Prisma } from "../../src/generated/prisma/client.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import type { CreateLetterInput } from "../../src/letters/letter-schemas.ts";
import { LETTER_SORT_KEYS, letterSearchInputSchema, type LetterSearchInput } from "../../src/letters/letter-search-schemas.ts";
import { letterFilterCondition } from "../../src/letters/letter-search.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const it = databaseTest(database);

const day = (date: string) => new Date(`${date}T12:00:00.000Z`);
const FIXTURES: CreateLetterInput[] = [
  { documentName: "100% done.pdf", sourceFilePath: "/in/a.pdf", documentTitle: "Full WITHDRAWAL", status: "processed", createdAt: day("2025-01-01"), extractionConfidence: 0.95, documentType: "obsolescence" },
  { documentName: "100 percent.pdf", sourceFilePath: "/in/b.pdf", status: "failed", createdAt: day("2025-02-01"), extractionConfidence: 0.5 },
  { documentName: "a_b.pdf", sourceFilePath: "/in/c.pdf", status: "processed", createdAt: day("2025-03-01"), extractionConfidence: 0.949, rawGrokJson: { product_ranges: ["TeSys"], meta: { lang: "fr" } } },
  { documentName: "axb.pdf", sourceFilePath: "/in/d.pdf", status: "pending", createdAt: day("2025-04-01"), documentType: "obsolescence", rawGrokJson: { product_ranges: ["PIX", "TeSys"] } },
  { documentName: "windows.pdf", sourceFilePath: "C:\\Temp\\windows.pdf", createdAt: day("2025-05-01"), products: [{ productIdentifier: "LC1D09", rangeLabel: "TeSys D" }] },
  { documentName: "unix.pdf", sourceFilePath: "C:Tempunix.pdf", createdAt: day("2025-06-01"), documentTitle: "back\\slash", products: [{ productIdentifier: "PIX36", rangeLabel: "PIX" }, { productIdentifier: "LC1D09" }] },
];

beforeAll(async () => {
  const db = await database.connect();
  try {
    const letters = new LetterRepository(db.prisma);
    for (const fixture of FIXTURES) await letters.create(fixture);
  } finally {
    await db.close();
  }
});

const names = async (letters: LetterRepository, input: LetterSearchInput) =>
  (await letters.search({ sortBy: "createdAt", sortOrder: "asc", ...input })).data.map((letter) => letter.documentName);

describe("LetterRepository.search: free text", () => {
  it("matches as ILIKE on each column would: never across two columns, accents case-insensitively, search_text kept current", async ({ letters }) => {
    const created = await letters.create({ documentName: "Notice ÉCLAIR xy", documentTitle: "zw Fin", sourceFilePath: "/in/sep\u0001arated.pdf", createdAt: day("2024-01-01") });
    try {
      const found = async (query: string) => (await letters.search({ query, limit: 100 })).data.some((letter) => letter.id === created.id);
      expect(await found("éclair")).toBe(true); // lower() folds É as ILIKE does
      expect(await found("xyzw")).toBe(false); // the end of the name and the start of the title
      expect(await found("xy zw")).toBe(false);
      expect(await found("fin/in")).toBe(false); // the title and the path
      expect(await found("sep\u0001ar")).toBe(true); // holds the separator: ILIKE on the columns, which finds it in the path
      expect(await found("xy\u0001zw")).toBe(false); // and does not join columns
      const [row] = await database.sql<{ search_text: string }>("SELECT search_text FROM letters WHERE id = $1", [created.id]);
      expect(row?.search_text).toBe("notice éclair xy\u0001zw fin\u0001/in/sep\u0001arated.pdf");
      await database.sql("UPDATE letters SET document_title = 'Renamed' WHERE id = $1", [created.id]);
      expect(await found("renamed")).toBe(true);
      expect(await found("zw fin")).toBe(false);
    } finally {
      await letters.delete(created.id);
    }
  });

  it("matches name, title and source path case-insensitively, with %, _ and \\ taken literally", async ({ letters }) => {
    expect(await names(letters, { query: "100%" })).toEqual(["100% done.pdf"]);
    expect(await names(letters, { query: "%" })).toEqual(["100% done.pdf"]);
    expect(await names(letters, { query: "a_b" })).toEqual(["a_b.pdf"]);
    expect(await names(letters, { query: "_" })).toEqual(["a_b.pdf"]);
    expect(await names(letters, { query: "c:\\temp" })).toEqual(["windows.pdf"]);
    expect(await names(letters, { query: "\\" })).toEqual(["windows.pdf", "unix.pdf"]);
    expect(await names(letters, { query: "K\\SL" })).toEqual(["unix.pdf"]);
    expect(await names(letters, { query: "withdrawal" })).toEqual(["100% done.pdf"]);
    expect(await names(letters, { query: "  100 PERCENT  " })).toEqual(["100 percent.pdf"]);
    expect(await names(letters, { query: "" })).toHaveLength(FIXTURES.length);
    expect(await names(letters, { query: "nothing like this" })).toEqual([]);
  });
});

describe("LetterRepository.search: filters", () => {
  it("filters by status, document type, creation range, minimum confidence, range label, product identifier and JSON containment", async ({ letters }) => {
    expect(await names(letters, { status: "processed" })).toEqual(["100% done.pdf", "a_b.pdf", "windows.pdf", "unix.pdf"]);
    expect(await names(letters, { status: ["failed", "pending"] })).toEqual(["100 percent.pdf", "axb.pdf"]);
    expect(await names(letters, { documentType: "obsolescence" })).toEqual(["100% done.pdf", "axb.pdf"]);
    expect(await names(letters, { createdFrom: day("2025-02-01"), createdTo: day("2025-04-01") })).toEqual(["100 percent.pdf", "a_b.pdf"]);
    // 0.95 is stored as REAL; compared as REAL it is not below 0.95.
    expect(await names(letters, { minConfidence: 0.95 })).toEqual(["100% done.pdf"]);
    expect(await names(letters, { minConfidence: 0.9 })).toEqual(["100% done.pdf", "a_b.pdf"]);
    expect(await names(letters, { rangeLabel: "TeSys D" })).toEqual(["windows.pdf"]);
    expect(await names(letters, { productIdentifier: "LC1D09" })).toEqual(["windows.pdf", "unix.pdf"]);
    expect(await names(letters, { productIdentifier: "LC1D09", rangeLabel: "PIX" })).toEqual(["unix.pdf"]);
    expect(await names(letters, { rawGrokJsonContains: { product_ranges: ["TeSys"] } })).toEqual(["a_b.pdf", "axb.pdf"]);
    expect(await names(letters, { rawGrokJsonContains: { product_ranges: ["PIX"] } })).toEqual(["axb.pdf"]);
    expect(await names(letters, { rawGrokJsonContains: { meta: { lang: "fr" } }, status: "processed", query: "pdf" })).toEqual(["a_b.pdf"]);
  });

  it("refuses invalid filters, listing each", async ({ letters }) => {
    const error = await letters
      .search({ minConfidence: 2, createdFrom: day("2025-05-01"), createdTo: day("2025-01-01"), status: [], page: 0, limit: 101 })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path).sort()).toEqual(["createdTo", "limit", "minConfidence", "page", "status"]);
  });
});

describe("LetterRepository.search: sort and page/limit pagination", () => {
  it("returns { data, total, totalExact, page, limit, totalPages }, with limit 25 by default and bounded to 1..100", async ({ letters }) => {
    const first = await letters.search({ limit: 4, sortBy: "createdAt", sortOrder: "desc" });
    expect({ ...first, data: first.data.map((letter) => letter.documentName) }).toEqual({
      data: ["unix.pdf", "windows.pdf", "axb.pdf", "a_b.pdf"],
      total: 6,
      totalExact: true,
      page: 1,
      limit: 4,
      totalPages: 2,
    });
    const second = await letters.search({ limit: 4, page: 2 });
    expect(second.data.map((letter) => letter.documentName)).toEqual(["100 percent.pdf", "100% done.pdf"]);
    expect((await letters.search({ limit: 4, page: 3 })).data).toEqual([]);
    expect(await letters.search({ query: "none such" })).toEqual({ data: [], total: 0, totalExact: true, page: 1, limit: 25, totalPages: 0 });
    for (const limit of [0, 101, 2.5]) await expect(letters.search({ limit })).rejects.toBeInstanceOf(ValidationError);
  });

  it("sorts by every whitelisted key in both directions, NULLs last ascending and first descending, ties by id", async ({ letters }) => {
    const all = (await letters.search({ limit: 100, sortBy: "id", sortOrder: "asc" })).data;
    for (const sortBy of LETTER_SORT_KEYS) {
      for (const sortOrder of ["asc", "desc"] as const) {
        const sign = sortOrder === "asc" ? 1 : -1;
        const key = (letter: (typeof all)[number]) => letter[sortBy];
        const expected = [...all].sort((left, right) => {
          const [a, b] = [key(left), key(right)];
          if (a === null && b === null) return sign * (left.id - right.id);
          if (a === null) return sign; // NULL is the largest value
          if (b === null) return -sign;
          const compared = a instanceof Date && b instanceof Date ? a.getTime() - b.getTime() : a < b ? -1 : a > b ? 1 : 0;
          return sign * (compared === 0 ? left.id - right.id : compared);
        });
        const got = (await letters.search({ limit: 100, sortBy, sortOrder })).data.map((letter) => letter.id);
        // Text order is the database collation's; compare texts only where it agrees with code-point order.
        if (sortBy === "documentName" || sortBy === "documentTitle") continue;
        expect(got, `${sortBy} ${sortOrder}`).toEqual(expected.map((letter) => letter.id));
      }
    }
  });

  it("refuses a sort key or direction outside the whitelist as a validation error, without running SQL", async ({ letters }) => {
    for (const sortBy of ["created_at; DROP TABLE letters; --", "document_name", "1", "(SELECT 1)"]) {
      const error = await letters.search({ sortBy } as never).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.path).toBe("sortBy");
      expect((error as Error).message).not.toContain("DROP");
    }
    await expect(letters.search({ sortOrder: "desc; DELETE FROM letters" } as never)).rejects.toBeInstanceOf(ValidationError);
    expect((await letters.search()).total).toBe(FIXTURES.length);
  });
});

describe("LetterRepository: injection through string parameters", () => {
  const attacks = [
    "'; DROP TABLE letters; --",
    "' OR '1'='1",
    "\" OR \"\"=\"",
    "%' OR 1=1 --",
    "1); DELETE FROM letters; --",
    "$1",
    "\\'; TRUNCATE letters CASCADE; --",
  ];

  it("every string parameter is data, never SQL", async ({ letters }) => {
    const before = await letters.getStatistics();
    for (const attack of attacks) {
      expect((await letters.search({ query: attack })).total).toBe(0);
      expect((await letters.search({ status: attack })).total).toBe(0);
      expect((await letters.search({ status: [attack, "x"] })).total).toBe(0);
      expect((await letters.search({ documentType: attack })).total).toBe(0);
      expect((await letters.search({ rangeLabel: attack })).total).toBe(0);
      expect((await letters.search({ productIdentifier: attack })).total).toBe(0);
      expect((await letters.search({ rawGrokJsonContains: { [attack]: attack } })).total).toBe(0);
      expect((await letters.searchByCursor({ query: attack, status: attack })).data).toEqual([]);
      expect(await letters.findByFileHash(attack)).toEqual([]);
      await expect(letters.searchByCursor({ cursor: attack })).rejects.toBeInstanceOf(ValidationError);
      await expect(letters.search({ sortBy: attack } as never)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await letters.getStatistics()).toEqual(before);

    // Written strings are stored and read back verbatim.
    for (const attack of attacks) {
      const stored = await letters.create({
        documentName: attack,
        sourceFilePath: attack,
        fileHash: attack,
        products: [{ productIdentifier: attack, rangeLabel: attack }],
        matches: [{ productIndex: 0, ibcatalogueProductIdentifier: attack, matchConfidence: 1, matchReason: attack }],
        debugSteps: [{ processingStep: attack, stepDetails: attack }],
        rawGrokJson: { [attack]: attack },
      });
      expect((await letters.setStatus(stored.id, attack)).status).toBe(attack);
      expect((await letters.appendDebugStep(stored.id, { processingStep: attack })).processingStep).toBe(attack);
      expect((await letters.createOrReplaceByFileHash({ documentName: attack, sourceFilePath: attack, fileHash: attack })).replacedIds).toEqual([stored.id]);
      const [found] = await letters.findByFileHash(attack);
      expect(found).toMatchObject({ documentName: attack, sourceFilePath: attack, fileHash: attack });
      expect((await letters.search({ query: attack, productIdentifier: undefined })).data.map((letter) => letter.documentName)).toContain(attack);
      await letters.delete(found!.id);
    }
    expect(await letters.getStatistics()).toEqual(before);
  });
});

describe("LetterRepository.search: indexes", () => {
  /** EXPLAIN of the search condition with sequential scans disabled: shows which indexes can serve it. */
  async function plan(db: DatabaseClient, input: LetterSearchInput): Promise<string> {
    const filters = letterSearchInputSchema.parse(input);
    return await db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      const rows = await tx.$queryRaw<{ "QUERY PLAN": string }[]>(
        Prisma.sql`EXPLAIN SELECT l.id FROM letters l WHERE ${letterFilterCondition(filters)}`,
      );
      return rows.map((row) => row["QUERY PLAN"]).join("\n");
    });
  }

  it("JSON containment uses the GIN index on raw_grok_json", async ({ db }) => {
    expect(await plan(db, { rawGrokJsonContains: { product_ranges: ["TeSys"] } })).toContain("idx_letters_raw_grok_gin");
  });

  it("free text uses the search_text trigram index", async ({ db }) => {
    expect(await plan(db, { query: "withdrawal" })).toContain("idx_letters_search_text_trgm");
  });
});
