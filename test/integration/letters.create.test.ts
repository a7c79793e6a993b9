import { describe, expect } from "vitest";
import { ValidationError, isDatabaseError } from "../../src/errors.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import type { CreateLetterInput } from "../../src/letters/letter-schemas.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const it = databaseTest(database);

const fullLetter = (name: string): CreateLetterInput => ({
  documentName: `${name}.pdf`,
  documentType: "obsolescence_letter",
  documentTitle: `Withdrawal of ${name}`,
  sourceFilePath: `/letters/${name}.pdf`,
  fileSize: 123_456,
  fileHash: `hash-${name}`,
  processingTimeMs: 1534.5,
  extractionConfidence: 0.95,
  rawGrokJson: { document_information: { title: name }, products: [{ id: "LC1D09" }] },
  validationDetailsJson: [1, "two", { three: 3 }],
  products: [
    { productIdentifier: "LC1D09", rangeLabel: "TeSys D", confidenceScore: 0.9 },
    { productIdentifier: "LC1D12", rangeLabel: "TeSys D", productDescription: "Contactor 12 A" },
  ],
  matches: [
    { productIndex: 1, ibcatalogueProductIdentifier: "LC1D12M7", matchConfidence: 0.8, rangeBasedMatching: true },
    { productIndex: 0, ibcatalogueProductIdentifier: "LC1D09M7", matchConfidence: 0.97, matchType: "exact" },
    { productIndex: 0, ibcatalogueProductIdentifier: "LC1D09B7", matchConfidence: 0.6 },
  ],
  debugSteps: [
    { processingStep: "ocr", stepDurationMs: 200 },
    { processingStep: "grok", stepSuccess: false, errorMessage: "timeout", stepTimestamp: new Date("2026-01-02T03:04:05.678Z") },
  ],
});

describe("LetterRepository.create", () => {
  it("stores a letter with products, matches (by product position) and debug steps, and returns them with ids", async ({ letters }) => {
    const stored = await letters.create(fullLetter("alpha"));

    expect(stored).toMatchObject({
      documentName: "alpha.pdf",
      documentType: "obsolescence_letter",
      fileSize: 123_456,
      processingMethod: "production_pipeline",
      status: "processed",
      extractionConfidence: 0.95,
      processingTimeMs: 1534.5,
      rawGrokJson: { document_information: { title: "alpha" }, products: [{ id: "LC1D09" }] },
      validationDetailsJson: [1, "two", { three: 3 }],
    });
    expect(stored.id).toBeGreaterThan(0);
    expect(stored.createdAt).toBeInstanceOf(Date);
    expect(stored.products.map((product) => [product.productIdentifier, product.letterId, product.confidenceScore, product.validationStatus])).toEqual([
      ["LC1D09", stored.id, 0.9, "validated"],
      ["LC1D12", stored.id, 0, "validated"],
    ]);
    const [first, second] = stored.products;
    expect(stored.matches.map((match) => [match.ibcatalogueProductIdentifier, match.letterProductId, match.letterId])).toEqual([
      ["LC1D12M7", second!.id, stored.id],
      ["LC1D09M7", first!.id, stored.id],
      ["LC1D09B7", first!.id, stored.id],
    ]);
    expect(stored.matches[0]).toMatchObject({ rangeBasedMatching: true, technicalMatchScore: 0 });
    expect(stored.debugSteps.map((step) => [step.processingStep, step.stepSuccess, step.errorMessage])).toEqual([
      ["ocr", true, null],
      ["grok", false, "timeout"],
    ]);
    expect(stored.debugSteps[1]!.stepTimestamp).toEqual(new Date("2026-01-02T03:04:05.678Z"));

    // What was returned is what is stored.
    expect(await letters.getById(stored.id, { products: true, matches: true, debugSteps: true })).toEqual(stored);
  });

  it("keeps JSON null apart from absent (SQL NULL), in the database and in results", async ({ letters }) => {
    const stored = await letters.create({
      documentName: "json.pdf",
      sourceFilePath: "/json.pdf",
      rawGrokJson: null,
      ocrSupplementaryJson: { nested: null, list: [null] },
      processingStepsJson: undefined,
      validationDetailsJson: false,
    });
    const [row] = await database.sql<Record<string, string | null>>(
      `SELECT jsonb_typeof(raw_grok_json) AS raw, jsonb_typeof(ocr_supplementary_json) AS ocr,
              jsonb_typeof(processing_steps_json) AS steps, jsonb_typeof(validation_details_json) AS validation
         FROM letters WHERE id = $1`,
      [stored.id],
    );
    expect(row).toEqual({ raw: "null", ocr: "object", steps: null, validation: "boolean" });

    for (const letter of [stored, await letters.getById(stored.id)]) {
      expect("rawGrokJson" in letter).toBe(true);
      expect(letter.rawGrokJson).toBeNull();
      expect(letter.ocrSupplementaryJson).toEqual({ nested: null, list: [null] });
      expect("processingStepsJson" in letter).toBe(false);
      expect(letter.validationDetailsJson).toBe(false);
    }
    const sqlNull = await letters.create({ documentName: "none.pdf", sourceFilePath: "/none.pdf" });
    expect(Object.keys(sqlNull).filter((key) => key.endsWith("Json"))).toEqual([]);
  });

  it("refuses invalid input with every bad field listed by path, and writes nothing", async ({ db, letters }) => {
    const before = await db.prisma.letter.count();
    const invalid = {
      documentName: "",
      sourceFilePath: 42,
      extractionConfidence: 1.5,
      fileSize: -1,
      rawGrokJson: { score: Number.NaN, when: new Date() },
      document_title: "snake case is not a field",
      products: [{ productIdentifier: "A" }, { confidenceScore: "high" }],
      matches: [
        { productIndex: 0, ibcatalogueProductIdentifier: "X", matchConfidence: 0.5 },
        { productIndex: 2, ibcatalogueProductIdentifier: "Y", matchConfidence: 0.5 },
      ],
      debugSteps: [{ stepSuccess: true }],
    } as unknown as CreateLetterInput;

    const error = await letters.create(invalid).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(isDatabaseError(error) && error.code).toBe("VALIDATION_FAILED");
    const paths = (error as ValidationError).issues.map((issue) => issue.path).sort();
    expect(paths).toEqual(
      [
        "debugSteps.0.processingStep",
        "documentName",
        "document_title",
        "extractionConfidence",
        "fileSize",
        "matches.1.productIndex",
        "products.1.confidenceScore",
        "rawGrokJson.score",
        "rawGrokJson.when",
        "sourceFilePath",
      ].sort(),
    );
    expect((error as Error).message).toContain("matches.1.productIndex: refers to products[2], but 2 product(s) were given");
    expect((error as Error).message).not.toContain("snake case is not a field");
    expect(await db.prisma.letter.count()).toBe(before);
  });

  it("is atomic: when a child row is refused, the letter and its other children are not stored", async ({ db, letters }) => {
    // A constraint only this test's database has, so that the third statement of the insert fails.
    await database.sql("ALTER TABLE processing_debug ADD CONSTRAINT debug_step_not_boom CHECK (processing_step <> 'boom')");
    await expect(
      letters.create({ ...fullLetter("atomic"), debugSteps: [{ processingStep: "ocr" }, { processingStep: "boom" }] }),
    ).rejects.toThrow(/debug_step_not_boom/);
    expect(await db.prisma.letter.count({ where: { documentName: "atomic.pdf" } })).toBe(0);
    expect(await db.prisma.letterProduct.count({ where: { productIdentifier: "LC1D09", letter: { documentName: "atomic.pdf" } } })).toBe(0);
    const [orphans] = await database.sql<{ count: number }>(
      "SELECT count(*)::int AS count FROM letter_products p WHERE NOT EXISTS (SELECT 1 FROM letters l WHERE l.id = p.letter_id)",
    );
    expect(orphans?.count).toBe(0);
    await database.sql("ALTER TABLE processing_debug DROP CONSTRAINT debug_step_not_boom");
  });

  it("joins the caller's transaction when built on a transaction client", async ({ db }) => {
    const rolledBack = db.prisma.$transaction(async (tx) => {
      const stored = await new LetterRepository(tx).create(fullLetter("in-transaction"));
      expect(await new LetterRepository(tx).findById(stored.id)).not.toBeNull();
      throw new Error("caller aborts");
    });
    await expect(rolledBack).rejects.toThrow("caller aborts");
    expect(await db.prisma.letter.count({ where: { documentName: "in-transaction.pdf" } })).toBe(0);

    const committed = await db.prisma.$transaction(async (tx) => new LetterRepository(tx).create(fullLetter("committed")));
    expect(await new LetterRepository(db.prisma).findById(committed.id)).toMatchObject({ documentName: "committed.pdf" });
  });
});
