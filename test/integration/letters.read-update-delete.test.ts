import { describe, expect } from "vitest";
import { NotFoundError, ValidationError } from "../../src/errors.ts";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const it = databaseTest(database);

const letterWithChildren = (name: string) => ({
  documentName: `${name}.pdf`,
  sourceFilePath: `/letters/${name}.pdf`,
  products: [{ productIdentifier: `${name}-1` }, { productIdentifier: `${name}-2` }],
  matches: [{ productIndex: 0, ibcatalogueProductIdentifier: "CAT", matchConfidence: 0.7 }],
  debugSteps: [{ processingStep: "ocr" }],
});

describe("LetterRepository: read by id", () => {
  it("findById returns the letter alone, or with the children asked for, or null", async ({ letters }) => {
    const stored = await letters.create(letterWithChildren("read"));

    const bare = await letters.findById(stored.id);
    expect(bare).not.toBeNull();
    expect(Object.keys(bare!)).not.toContain("products");
    expect(Object.keys(bare!)).not.toContain("matches");
    expect(Object.keys(bare!)).not.toContain("debugSteps");

    const withProducts = await letters.findById(stored.id, { products: true });
    expect(withProducts?.products.map((product) => product.productIdentifier)).toEqual(["read-1", "read-2"]);
    expect(Object.keys(withProducts!)).not.toContain("matches");

    const withMatchesAndSteps = await letters.findById(stored.id, { matches: true, debugSteps: true });
    expect(withMatchesAndSteps?.matches).toEqual(stored.matches);
    expect(withMatchesAndSteps?.debugSteps).toEqual(stored.debugSteps);

    expect(await letters.findById(2_000_000_000)).toBeNull();
  });

  it("getById throws NotFoundError for a missing id; both refuse ids that are not positive integers", async ({ letters }) => {
    const error = await letters.getById(2_000_000_000).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: "NOT_FOUND", entity: "letter", key: 2_000_000_000 });
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 31, "1" as unknown as number]) {
      await expect(letters.findById(bad)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(letters.findById(1, { products: true, children: true } as never)).rejects.toThrow(/include:\n {2}- children: is not a known field/);
  });
});

/** Inserts a letter with only its required columns, by SQL; returns its id. */
async function insertBareLetter(name: string): Promise<number> {
  const [letter] = await database.sql<{ id: number }>(
    "INSERT INTO letters (document_name, source_file_path) VALUES ($1, $2) RETURNING id",
    [`${name}.pdf`, `/${name}.pdf`],
  );
  return letter!.id;
}

/** `ARRAY['a', NULL, …]::type[]`, for values written into SQL by the test itself (no quotes inside). */
function sqlArray(values: readonly (string | null)[], type: string): string {
  return `ARRAY[${values.map((value) => (value === null ? "NULL" : `'${value}'`)).join(", ")}]::${type}[]`;
}

describe("LetterRepository: a letter and its children come from one statement", () => {
  it("is one statement, so a delete committed right after it cannot strip the children", async ({ db, letters }) => {
    const stored = await letters.create(letterWithChildren("snapshot"));
    // Right after the repository's first statement, another connection deletes the letter (and, by
    // cascade, its children): a read of the children by later statements would find none.
    const operations: string[] = [];
    const racing = db.prisma.$extends({
      query: {
        async $allOperations({ operation, args, query }) {
          const result = await query(args);
          operations.push(operation);
          if (operations.length === 1) await db.pool.query("DELETE FROM letters WHERE id = $1", [stored.id]);
          return result;
        },
      },
    }) as unknown as PrismaClient;

    const read = await new LetterRepository(racing).getById(stored.id, { products: true, matches: true, debugSteps: true });
    expect(operations).toEqual(["$queryRaw"]);
    expect(read.products).toEqual(stored.products);
    expect(read.matches).toEqual(stored.matches);
    expect(read.debugSteps).toEqual(stored.debugSteps);
    expect(await letters.findById(stored.id)).toBeNull();
  });

  it("lists each kind of child in id order, whatever order the rows were stored in; a missing id with children is null", async ({ letters }) => {
    const id = await insertBareLetter("order");
    // Stored with descending ids, so that physical (and letter_id index) order is the reverse of id order.
    for (const childId of [900_003, 900_002, 900_001]) {
      await database.sql("INSERT INTO letter_products (id, letter_id, product_identifier) VALUES ($1, $2, $3)", [childId, id, String(childId)]);
      await database.sql(
        "INSERT INTO letter_product_matches (id, letter_id, letter_product_id, ibcatalogue_product_identifier, match_confidence) VALUES ($1, $2, $1, 'CAT', 0.5)",
        [childId, id],
      );
      await database.sql("INSERT INTO processing_debug (id, letter_id, processing_step) VALUES ($1, $2, 'step')", [childId, id]);
    }
    const read = await letters.getById(id, { products: true, matches: true, debugSteps: true });
    const ascending = [900_001, 900_002, 900_003];
    expect(read.products.map((product) => product.id)).toEqual(ascending);
    expect(read.matches.map((match) => match.id)).toEqual(ascending);
    expect(read.debugSteps.map((step) => step.id)).toEqual(ascending);
    expect((await letters.findById(id, { matches: true }))?.matches.map((match) => match.letterProductId)).toEqual(ascending);

    expect(await letters.findById(2_000_000_000, { products: true, matches: true, debugSteps: true })).toBeNull();
  });

  it("decodes every child column exactly as Prisma's findMany does, edge values included", async ({ db }) => {
    // Rows the importer can bring from DuckDB: REAL NaN, -0, ±Infinity and extremes; timestamps at the
    // microsecond, before 1970, BC and ±infinity; every column with a value of its own, so that a column
    // read into the wrong field shows.
    const id = await insertBareLetter("edge");
    const scores = ["NaN", "-0", "Infinity", "-Infinity", "0.1", "3.4028235e38", "1e-45", null];
    const times = ["2024-01-02 03:04:05.123456", "1960-01-02 03:04:05.999999", "0044-03-15 12:00:00 BC", "infinity", "-infinity", "0001-01-01 00:00:00", null];
    await database.sql(
      `INSERT INTO letter_products (letter_id, product_identifier, range_label, subrange_label, product_line,
         product_description, obsolescence_status, end_of_service_date, replacement_suggestions, confidence_score, validation_status)
       SELECT $1, 'id' || n, 'range' || n, 'sub' || n, 'line' || n, 'desc' || n, 'obs' || n, 'eos' || n, 'repl' || n,
              (${sqlArray(scores, "real")})[n], 'val' || n
       FROM generate_series(1, ${scores.length}) AS n`,
      [id],
    );
    await database.sql("INSERT INTO letter_products (letter_id) VALUES ($1)", [id]);
    await database.sql(
      `INSERT INTO letter_product_matches (letter_id, letter_product_id, ibcatalogue_product_identifier, match_confidence, match_reason,
         technical_match_score, nomenclature_match_score, product_line_match_score, match_type, range_based_matching, created_at)
       SELECT $1, (SELECT min(id) FROM letter_products WHERE letter_id = $1) + n - 1, 'cat' || n, (ARRAY[0.5, 'NaN', '-0']::real[])[n % 3 + 1],
              'why' || n, n + 0.25, 'Infinity', n - 0.5, 'type' || n, n % 2 = 0, (${sqlArray(times, "timestamp")})[n]
       FROM generate_series(1, ${times.length}) AS n`,
      [id],
    );
    await database.sql(
      `INSERT INTO processing_debug (letter_id, processing_step, step_timestamp, step_duration_ms, step_success, step_details, error_message)
       SELECT $1, 'step' || n, (${sqlArray(times, "timestamp")})[n],
              (${sqlArray(scores, "real")})[n], n % 2 = 1, 'details' || n, NULL
       FROM generate_series(1, ${times.length}) AS n`,
      [id],
    );

    const read = await new LetterRepository(db.prisma).getById(id, { products: true, matches: true, debugSteps: true });
    const where = { letterId: id };
    const orderBy = { id: "asc" } as const;
    const [products, matches, debugSteps] = await Promise.all([
      db.prisma.letterProduct.findMany({ where, orderBy }),
      db.prisma.letterProductMatch.findMany({ where, orderBy }),
      db.prisma.processingDebug.findMany({ where, orderBy }),
    ]);
    expect(products).toHaveLength(scores.length + 1);
    expect(matches).toHaveLength(times.length);
    expect(debugSteps).toHaveLength(times.length);
    // Object.is per value: NaN equals NaN, -0 differs from 0, Invalid Dates equal each other.
    const same = (actual: unknown[], expected: unknown[]) => {
      expect(actual.map((row) => Object.keys(row as object))).toEqual(expected.map((row) => Object.keys(row as object)));
      actual.forEach((row, index) => {
        for (const [field, value] of Object.entries(row as object)) {
          const wanted = (expected[index] as Record<string, unknown>)[field];
          const comparable = (item: unknown) => (item instanceof Date ? `Date ${item.getTime()}` : item);
          expect(Object.is(comparable(value), comparable(wanted)), `row ${index} ${field}: ${String(value)} vs ${String(wanted)}`).toBe(true);
        }
      });
    };
    same(read.products, products);
    same(read.matches, matches);
    same(read.debugSteps, debugSteps);
    expect(read.products.map((product) => product.confidenceScore)).toEqual([NaN, -0, Infinity, -Infinity, 0.1, 3.4028235e38, 1e-45, null, 0]);
    expect(read.debugSteps[0]!.stepTimestamp).toEqual(new Date("2024-01-02T03:04:05.123Z"));
  });
});

describe("LetterRepository: updates and deletes", () => {
  it("setStatus changes the status and moves updatedAt; a missing letter is NotFoundError", async ({ letters }) => {
    const stored = await letters.create({ documentName: "s.pdf", sourceFilePath: "/s.pdf", createdAt: new Date("2025-01-01T00:00:00Z") });
    // Backdate updated_at (the trigger would overwrite it), so that moving it is visible.
    await database.sql("ALTER TABLE letters DISABLE TRIGGER letters_set_updated_at");
    await database.sql("UPDATE letters SET updated_at = '2025-01-01 00:00:00' WHERE id = $1", [stored.id]);
    await database.sql("ALTER TABLE letters ENABLE TRIGGER letters_set_updated_at");

    const updated = await letters.setStatus(stored.id, "failed");
    expect(updated.status).toBe("failed");
    expect(updated.updatedAt!.getTime()).toBeGreaterThan(new Date("2025-01-02T00:00:00Z").getTime());
    expect(updated.createdAt).toEqual(new Date("2025-01-01T00:00:00Z"));
    expect((await letters.getById(stored.id)).status).toBe("failed");

    await expect(letters.setStatus(2_000_000_000, "failed")).rejects.toBeInstanceOf(NotFoundError);
    await expect(letters.setStatus(stored.id, "  ")).rejects.toBeInstanceOf(ValidationError);
  });

  it("appendDebugStep adds a step to the letter; a missing letter is NotFoundError", async ({ letters }) => {
    const stored = await letters.create(letterWithChildren("debug"));
    const step = await letters.appendDebugStep(stored.id, { processingStep: "validate", stepDurationMs: 12.5, stepSuccess: false, errorMessage: "bad" });
    expect(step).toMatchObject({ letterId: stored.id, processingStep: "validate", stepDurationMs: 12.5, stepSuccess: false, errorMessage: "bad" });
    expect(step.stepTimestamp).toBeInstanceOf(Date);
    expect((await letters.getById(stored.id, { debugSteps: true })).debugSteps.map((each) => each.processingStep)).toEqual(["ocr", "validate"]);

    const missing = await letters.appendDebugStep(2_000_000_000, { processingStep: "x" }).catch((thrown: unknown) => thrown);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).cause).toMatchObject({ code: "FOREIGN_KEY_VIOLATION", constraint: "processing_debug_letter_id_fkey" });
    await expect(letters.appendDebugStep(stored.id, { processingStep: "" })).rejects.toBeInstanceOf(ValidationError);
  });

  it("delete removes the letter and its products, matches and debug steps, and nothing else", async ({ db, letters }) => {
    const doomed = await letters.create(letterWithChildren("doomed"));
    const kept = await letters.create(letterWithChildren("kept"));
    await letters.delete(doomed.id);

    const counts = async (letterId: number) => ({
      letters: await db.prisma.letter.count({ where: { id: letterId } }),
      products: await db.prisma.letterProduct.count({ where: { letterId } }),
      matches: await db.prisma.letterProductMatch.count({ where: { letterId } }),
      steps: await db.prisma.processingDebug.count({ where: { letterId } }),
    });
    expect(await counts(doomed.id)).toEqual({ letters: 0, products: 0, matches: 0, steps: 0 });
    expect(await counts(kept.id)).toEqual({ letters: 1, products: 2, matches: 1, steps: 1 });
    await expect(letters.delete(doomed.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("deleteMany removes the letters given (with children), skips unknown ids and returns the count", async ({ db, letters }) => {
    const [a, b, c] = [await letters.create(letterWithChildren("a")), await letters.create(letterWithChildren("b")), await letters.create(letterWithChildren("c"))];
    expect(await letters.deleteMany([a.id, c.id, 2_000_000_000])).toBe(2);
    expect(await letters.findById(a.id)).toBeNull();
    expect(await letters.findById(c.id)).toBeNull();
    expect(await letters.findById(b.id)).not.toBeNull();
    expect(await db.prisma.letterProduct.count({ where: { letterId: { in: [a.id, c.id] } } })).toBe(0);
    expect(await letters.deleteMany([])).toBe(0);
    await expect(letters.deleteMany([b.id, -4])).rejects.toThrow(/1: must be a positive id/);
    expect(await letters.findById(b.id)).not.toBeNull();
  });
});

describe("LetterRepository.getStatistics", () => {
  it("gives totals by status, averages, and product and match counts", async ({ letters }) => {
    await database.sql("TRUNCATE letters CASCADE");
    expect(await letters.getStatistics()).toEqual({
      totalLetters: 0,
      processedCount: 0,
      failedCount: 0,
      byStatus: [],
      averageConfidence: null,
      averageProcessingTimeMs: null,
      totalProducts: 0,
      totalMatches: 0,
    });

    await letters.create({ ...letterWithChildren("one"), extractionConfidence: 0.5, processingTimeMs: 100 });
    await letters.create({ ...letterWithChildren("two"), extractionConfidence: 1, processingTimeMs: 300, status: "failed" });
    await letters.create({ documentName: "three.pdf", sourceFilePath: "/three.pdf", status: "processed" });
    await letters.create({ documentName: "four.pdf", sourceFilePath: "/four.pdf", status: "pending" });

    expect(await letters.getStatistics()).toEqual({
      totalLetters: 4,
      processedCount: 2,
      failedCount: 1,
      byStatus: [
        { status: "processed", count: 2 },
        { status: "failed", count: 1 },
        { status: "pending", count: 1 },
      ],
      averageConfidence: 0.75,
      averageProcessingTimeMs: 200,
      totalProducts: 4,
      totalMatches: 2,
    });
  });
});
