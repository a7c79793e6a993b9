import { describe, expect } from "vitest";
import type { DatabaseClient } from "../../src/client/database-client.ts";
import { ValidationError } from "../../src/errors.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const it = databaseTest(database);

const version = (fileHash: string, run: number) => ({
  documentName: `report-run-${run}.pdf`,
  sourceFilePath: "/inbox/report.pdf",
  fileHash,
  products: [{ productIdentifier: `P-${run}` }, { productIdentifier: `Q-${run}` }],
  matches: [{ productIndex: 1, ibcatalogueProductIdentifier: `CAT-${run}`, matchConfidence: 0.5 }],
  debugSteps: [{ processingStep: `run-${run}` }],
});

async function childCounts(fileHash: string) {
  const [row] = await database.sql<{ letters: number; products: number; matches: number; steps: number }>(
    `SELECT (SELECT count(*)::int FROM letters WHERE file_hash = $1) AS letters,
            (SELECT count(*)::int FROM letter_products p JOIN letters l ON l.id = p.letter_id WHERE l.file_hash = $1) AS products,
            (SELECT count(*)::int FROM letter_product_matches m JOIN letters l ON l.id = m.letter_id WHERE l.file_hash = $1) AS matches,
            (SELECT count(*)::int FROM processing_debug d JOIN letters l ON l.id = d.letter_id WHERE l.file_hash = $1) AS steps`,
    [fileHash],
  );
  const [orphans] = await database.sql<{ count: number }>(
    `SELECT (SELECT count(*) FROM letter_products p WHERE NOT EXISTS (SELECT 1 FROM letters l WHERE l.id = p.letter_id))
          + (SELECT count(*) FROM letter_product_matches m WHERE NOT EXISTS (SELECT 1 FROM letter_products p WHERE p.id = m.letter_product_id))
          + (SELECT count(*) FROM processing_debug d WHERE NOT EXISTS (SELECT 1 FROM letters l WHERE l.id = d.letter_id)) AS count`,
  );
  return { ...row, orphans: Number(orphans?.count) };
}

describe("LetterRepository: idempotent ingest by file_hash", () => {
  it("findByFileHash returns every letter with the hash, newest first, and [] for an unknown hash", async ({ letters }) => {
    const older = await letters.create({ ...version("h-find", 1), createdAt: new Date("2025-01-01T00:00:00Z") });
    const newer = await letters.create({ ...version("h-find", 2), createdAt: new Date("2025-06-01T00:00:00Z") });
    await letters.create(version("h-other", 3));

    expect((await letters.findByFileHash("h-find")).map((letter) => letter.id)).toEqual([newer.id, older.id]);
    expect(await letters.findByFileHash("h-unknown")).toEqual([]);
    await expect(letters.findByFileHash("")).rejects.toBeInstanceOf(ValidationError);
  });

  it("history with several letters of one hash imports (no unique constraint) and is replaced by one letter", async ({ letters }) => {
    // As the old pipeline left it: the same file stored three times.
    const history = [];
    for (const run of [1, 2, 3]) history.push(await letters.create(version("h-history", run)));
    expect(await childCounts("h-history")).toEqual({ letters: 3, products: 6, matches: 3, steps: 3, orphans: 0 });

    const result = await letters.createOrReplaceByFileHash(version("h-history", 4));
    expect(result.replacedIds).toEqual(history.map((letter) => letter.id));
    expect(result.letter).toMatchObject({ documentName: "report-run-4.pdf", fileHash: "h-history" });
    expect(result.letter.products.map((product) => product.productIdentifier)).toEqual(["P-4", "Q-4"]);
    expect(result.letter.matches[0]?.letterProductId).toBe(result.letter.products[1]?.id);
    expect(await childCounts("h-history")).toEqual({ letters: 1, products: 2, matches: 1, steps: 1, orphans: 0 });
    expect((await letters.findByFileHash("h-history")).map((letter) => letter.id)).toEqual([result.letter.id]);
  });

  it("creates when the hash is new, and requires a fileHash", async ({ letters }) => {
    const result = await letters.createOrReplaceByFileHash(version("h-new", 1));
    expect(result.replacedIds).toEqual([]);
    expect(await childCounts("h-new")).toEqual({ letters: 1, products: 2, matches: 1, steps: 1, orphans: 0 });

    const { fileHash: _omitted, ...withoutHash } = version("h-none", 1);
    const error = await letters.createOrReplaceByFileHash(withoutHash as never).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(["fileHash"]);
  });

  it("10 clients replacing one file_hash at once leave exactly one letter and no orphans", async () => {
    const clients: DatabaseClient[] = [];
    try {
      for (let index = 0; index < 10; index++) clients.push(await database.connect({ poolSize: 2 }));
      const seed = new LetterRepository(clients[0]!.prisma);
      await seed.create(version("h-race", 0));
      await seed.create(version("h-race", 0));

      const results = await Promise.all(
        clients.map((client, index) => new LetterRepository(client.prisma).createOrReplaceByFileHash(version("h-race", index + 1))),
      );

      expect(await childCounts("h-race")).toEqual({ letters: 1, products: 2, matches: 1, steps: 1, orphans: 0 });
      const survivors = await seed.findByFileHash("h-race");
      expect(survivors).toHaveLength(1);
      // The survivor is the last writer, and every other result's letter was replaced by a later call.
      const winner = results.find((result) => result.letter.id === survivors[0]!.id);
      expect(winner).toBeDefined();
      const replaced = results.flatMap((result) => result.replacedIds);
      expect(new Set(replaced).size).toBe(replaced.length);
      expect(replaced).toHaveLength(11); // the 2 seeded letters and 9 of the 10 new ones
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });
});
