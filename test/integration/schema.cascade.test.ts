import { describe, expect } from "vitest";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const it = databaseTest(database);

describe("schema: ON DELETE CASCADE", () => {
  it("deleting a letter removes its products, matches and debug steps, and nothing of other letters", async ({ db }) => {
    const makeLetter = (name: string) =>
      db.prisma.letter.create({
        data: {
          documentName: name,
          sourceFilePath: `/letters/${name}.pdf`,
          products: { create: [{ productIdentifier: `${name}-P1`, rangeLabel: "TeSys" }, { productIdentifier: `${name}-P2` }] },
          debugSteps: { create: [{ processingStep: "ocr" }, { processingStep: "extract" }] },
        },
        include: { products: true },
      });
    const doomed = await makeLetter("doomed");
    const kept = await makeLetter("kept");
    for (const letter of [doomed, kept]) {
      for (const product of letter.products) {
        await db.prisma.letterProductMatch.create({
          data: { letterId: letter.id, letterProductId: product.id, ibcatalogueProductIdentifier: "LC1D09", matchConfidence: 0.9 },
        });
      }
    }

    await database.sql("DELETE FROM letters WHERE id = $1", [doomed.id]);

    const counts = async (letterId: number) => ({
      products: await db.prisma.letterProduct.count({ where: { letterId } }),
      matches: await db.prisma.letterProductMatch.count({ where: { letterId } }),
      debug: await db.prisma.processingDebug.count({ where: { letterId } }),
    });
    expect(await counts(doomed.id)).toEqual({ products: 0, matches: 0, debug: 0 });
    expect(await counts(kept.id)).toEqual({ products: 2, matches: 2, debug: 2 });
  });

  it("deleting a product removes its matches only", async ({ db }) => {
    const letter = await db.prisma.letter.create({
      data: { documentName: "one", sourceFilePath: "/one.pdf", products: { create: [{ productIdentifier: "A" }, { productIdentifier: "B" }] } },
      include: { products: true },
    });
    const [first, second] = letter.products;
    for (const product of [first, second]) {
      await db.prisma.letterProductMatch.create({
        data: { letterId: letter.id, letterProductId: product!.id, ibcatalogueProductIdentifier: "X", matchConfidence: 1 },
      });
    }
    await db.prisma.letterProduct.delete({ where: { id: first!.id } });
    const remaining = await db.prisma.letterProductMatch.findMany({ where: { letterId: letter.id } });
    expect(remaining.map((match) => match.letterProductId)).toEqual([second!.id]);
  });

  it("refuses a child row whose letter does not exist", async () => {
    await expect(database.sql("INSERT INTO letter_products (letter_id) VALUES (987654)")).rejects.toThrow(/letter_products_letter_id_fkey/);
  });
});
