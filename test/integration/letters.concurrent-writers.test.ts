import pg from "pg";
import { describe, expect, it } from "vitest";
import { NotFoundError, TransactionConflictError, isDatabaseError } from "../../src/errors.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import type { ReplaceLetterInput } from "../../src/letters/letter-schemas.ts";
import { useProcessErrorSpy } from "../support/process-error-spy.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
useProcessErrorSpy();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Version `tag` of one letter: every child carries the tag, so children of two versions can be told apart. */
const version = (fileHash: string, tag: string): ReplaceLetterInput => ({
  documentName: `${tag}.pdf`,
  sourceFilePath: "/concurrent.pdf",
  fileHash,
  products: [
    { productIdentifier: `${tag}-P1`, productDescription: tag },
    { productIdentifier: `${tag}-P2`, productDescription: tag },
    { productIdentifier: `${tag}-P3`, productDescription: tag },
  ],
  matches: [
    { productIndex: 0, ibcatalogueProductIdentifier: `${tag}-C1`, matchConfidence: 0.9 },
    { productIndex: 2, ibcatalogueProductIdentifier: `${tag}-C3`, matchConfidence: 0.8 },
  ],
  debugSteps: [{ processingStep: "ingest", stepDetails: tag }],
});

interface StoredLetter {
  id: number;
  document_name: string;
  products: { tag: string; identifier: string }[];
  matches: { identifier: string; product_tag: string; product_letter: number }[];
  steps: { step: string; details: string | null }[];
}

/** Every letter with the hash and all its children, read in one statement (one snapshot). */
async function storedWithHash(fileHash: string): Promise<StoredLetter[]> {
  return database.sql<StoredLetter>(
    `SELECT l.id, l.document_name,
       COALESCE((SELECT json_agg(json_build_object('tag', p.product_description, 'identifier', p.product_identifier) ORDER BY p.id)
                 FROM letter_products p WHERE p.letter_id = l.id), '[]') AS products,
       COALESCE((SELECT json_agg(json_build_object('identifier', m.ibcatalogue_product_identifier, 'product_tag', p.product_description, 'product_letter', p.letter_id) ORDER BY m.id)
                 FROM letter_product_matches m JOIN letter_products p ON p.id = m.letter_product_id WHERE m.letter_id = l.id), '[]') AS matches,
       COALESCE((SELECT json_agg(json_build_object('step', d.processing_step, 'details', d.step_details) ORDER BY d.id)
                 FROM processing_debug d WHERE d.letter_id = l.id), '[]') AS steps
     FROM letters l WHERE l.file_hash = $1`,
    [fileHash],
  );
}

/** Fails unless the letter is whole and of one version: the version's products, matches and ingest step, plus appended steps only. */
function expectOneWholeVersion(letter: StoredLetter): void {
  const tag = letter.document_name.replace(/\.pdf$/, "");
  expect(letter.products).toEqual([1, 2, 3].map((n) => ({ tag, identifier: `${tag}-P${n}` })));
  expect(letter.matches).toEqual([
    { identifier: `${tag}-C1`, product_tag: tag, product_letter: letter.id },
    { identifier: `${tag}-C3`, product_tag: tag, product_letter: letter.id },
  ]);
  expect(letter.steps.filter((step) => step.step === "ingest")).toEqual([{ step: "ingest", details: tag }]);
  expect(letter.steps.every((step) => step.step === "ingest" || step.step === "appended")).toBe(true);
}

describe("concurrent writers on one letter", () => {
  it("status updates, debug-step appends, create-or-replace and deletes (8 workers × 50 ops) never leave a letter half-written or mixed", async () => {
    const db = await database.connect({ poolSize: 8 });
    try {
      const letters = new LetterRepository(db.prisma);
      const fileHash = "sha256:contended";
      await letters.createOrReplaceByFileHash(version(fileHash, "v0"));
      const rounds = 5;
      const opsPerRound = 10;
      const counts = new Map<string, number>();
      for (let round = 0; round < rounds; round++) {
        await Promise.all(
          Array.from({ length: 8 }, async (_, worker) => {
            for (let op = 0; op < opsPerRound; op++) {
              const [current] = await letters.findByFileHash(fileHash);
              const kind = (worker + op * 3 + round) % 8;
              try {
                if (kind < 3) await letters.createOrReplaceByFileHash(version(fileHash, `r${round}w${worker}o${op}`));
                else if (current === undefined) continue;
                else if (kind < 5) await letters.setStatus(current.id, `status-${worker}-${op}`);
                else if (kind < 7) await letters.appendDebugStep(current.id, { processingStep: "appended", stepDetails: `${worker}/${op}` });
                else await letters.delete(current.id);
                counts.set(`ok ${kind}`, (counts.get(`ok ${kind}`) ?? 0) + 1);
              } catch (error) {
                // The letter read a moment ago may have been replaced or deleted by another worker since.
                if (!(error instanceof NotFoundError)) throw error;
                counts.set("not found", (counts.get("not found") ?? 0) + 1);
              }
            }
          }),
        );
        const stored = await storedWithHash(fileHash);
        expect(stored.length).toBeLessThanOrEqual(1);
        for (const letter of stored) expectOneWholeVersion(letter);
        const orphans = await database.sql<{ count: number }>(
          `SELECT (SELECT count(*) FROM letter_products p WHERE NOT EXISTS (SELECT 1 FROM letters l WHERE l.id = p.letter_id))
                + (SELECT count(*) FROM processing_debug d WHERE NOT EXISTS (SELECT 1 FROM letters l WHERE l.id = d.letter_id))::int AS count`,
        );
        expect(Number(orphans[0]?.count)).toBe(0);
      }
      // Every kind of write ran, and some ran on a letter that another worker had just replaced.
      for (const kind of [0, 3, 5, 7]) expect(counts.get(`ok ${kind}`) ?? 0).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });

  it("a deadlock in a transaction the repository owns is retried and succeeds; in a caller's transaction it is TransactionConflictError, not retried", async () => {
    const db = await database.connect({ poolSize: 2 });
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      const letters = new LetterRepository(db.prisma);
      const fileHash = "sha256:deadlock";
      const first = await letters.createOrReplaceByFileHash(version(fileHash, "d0"));

      // Another session locks one of the letter's debug steps; the repository's replace then deletes the
      // letter and waits on that step (cascade); the other session then asks for the letter's row: a cycle.
      const makeDeadlock = async (letterId: number, write: () => Promise<unknown>) => {
        await other.query("BEGIN");
        await other.query("SELECT 1 FROM processing_debug WHERE letter_id = $1 FOR UPDATE", [letterId]);
        const started = performance.now();
        const settled = write().then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        await sleep(300);
        const otherError = await other.query("SELECT 1 FROM letters WHERE id = $1 FOR UPDATE", [letterId]).then(
          () => undefined,
          (error: unknown) => error,
        );
        await other.query("ROLLBACK");
        return { ...(await settled), otherError, ms: performance.now() - started };
      };

      const owned = await makeDeadlock(first.letter.id, () => letters.createOrReplaceByFileHash(version(fileHash, "d1")));
      // PostgreSQL aborted the repository's transaction (the first to wait), which ran again once the other session ended.
      expect(owned.otherError).toBeUndefined();
      expect(owned.ms).toBeGreaterThan(900); // PostgreSQL looks for deadlocks after deadlock_timeout (1 s)
      expect(owned).toMatchObject({ value: { replacedIds: [first.letter.id] } });
      const afterOwned = await storedWithHash(fileHash);
      expect(afterOwned.map((letter) => letter.document_name)).toEqual(["d1.pdf"]);
      expectOneWholeVersion(afterOwned[0]!);

      const inCaller = await makeDeadlock(
        afterOwned[0]!.id,
        () => db.prisma.$transaction((tx) => new LetterRepository(tx).createOrReplaceByFileHash(version(fileHash, "d2")), { timeout: 10_000 }),
      );
      expect(inCaller.otherError).toBeUndefined();
      expect("error" in inCaller && inCaller.error).toBeInstanceOf(TransactionConflictError);
      expect("error" in inCaller && inCaller.error).toMatchObject({ code: "TRANSACTION_CONFLICT", sqlState: "40P01", attempts: 1 });
      expect((await storedWithHash(fileHash)).map((letter) => letter.document_name)).toEqual(["d1.pdf"]);
      expect(isDatabaseError("error" in inCaller ? inCaller.error : undefined)).toBe(true);
    } finally {
      await other.end();
      await db.close();
    }
  });
});
