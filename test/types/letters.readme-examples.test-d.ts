// The LetterRepository examples of README.md and docs/letters.md, kept here so that `tsc --noEmit` checks them.
// Keep them in step.
import {
  LetterRepository,
  checkDatabaseHealth,
  NotFoundError,
  ValidationError,
  connectDatabase,
  isDatabaseError,
  type DatabaseClient,
} from "../../src/index.ts";

// --- create the client once per process, close it on shutdown ---
export async function service(): Promise<void> {
  const db = await connectDatabase(); // DATABASE_URL or DB_* from the environment
  const letters = new LetterRepository(db.prisma);
  process.once("SIGTERM", () => {
    void db.close();
  });
  await examples(letters, db);
}

async function examples(letters: LetterRepository, db: DatabaseClient): Promise<void> {
  // --- create: a letter with its products, their matches and its debug steps, in one transaction ---
  const stored = await letters.create({
    documentName: "PIX_withdrawal.pdf",
    sourceFilePath: "/letters/PIX_withdrawal.pdf",
    fileHash: "9f2c…",
    extractionConfidence: 0.93,
    rawGrokJson: { product_ranges: ["PIX"] }, // any JSON; null stores JSON null; leave out for SQL NULL
    products: [{ productIdentifier: "PIX36", rangeLabel: "PIX" }],
    matches: [{ productIndex: 0, ibcatalogueProductIdentifier: "PIX36-1250", matchConfidence: 0.9 }], // productIndex: position in products
    debugSteps: [{ processingStep: "ocr", stepDurationMs: 820 }],
  });
  console.log(stored.id, stored.products[0]?.id, stored.matches[0]?.letterProductId);

  // --- idempotent ingest by file hash ---
  const existing = await letters.findByFileHash("9f2c…"); // every letter with that hash, newest first
  const { letter, replacedIds } = await letters.createOrReplaceByFileHash({
    documentName: "PIX_withdrawal.pdf",
    sourceFilePath: "/letters/PIX_withdrawal.pdf",
    fileHash: "9f2c…",
  });
  console.log(existing.length, letter.id, replacedIds);

  // --- read by id ---
  const maybe = await letters.findById(stored.id); // LetterRecord | null
  const full = await letters.getById(stored.id, { products: true, matches: true, debugSteps: true }); // throws NotFoundError
  console.log(maybe?.documentName, full.products.length);

  // --- search: page/limit (the web app's searchLetters) ---
  const page = await letters.search({
    query: "100%", // case-insensitive substring of name, title or path; % _ \ are literal
    status: ["processed", "failed"],
    minConfidence: 0.8,
    rangeLabel: "PIX",
    rawGrokJsonContains: { product_ranges: ["PIX"] },
    sortBy: "createdAt",
    sortOrder: "desc",
    page: 1,
    limit: 25,
  });
  console.log(page.data, page.total, page.totalPages);

  // --- search: keyset (cursor) pagination, for exports and deep pages ---
  let cursor: string | null = null;
  do {
    const batch: Awaited<ReturnType<LetterRepository["searchByCursor"]>> = await letters.searchByCursor({
      status: "processed",
      limit: 100,
      ...(cursor === null ? {} : { cursor }),
    });
    console.log(batch.data.length);
    cursor = batch.nextCursor;
  } while (cursor !== null);

  // --- statistics (the web app's getLetterStatistics) ---
  const stats = await letters.getStatistics();
  console.log(stats.totalLetters, stats.byStatus, stats.averageConfidence, stats.totalProducts, stats.totalMatches);

  // --- updates and deletes ---
  await letters.setStatus(stored.id, "failed"); // updatedAt moves
  await letters.appendDebugStep(stored.id, { processingStep: "validate", stepSuccess: false, errorMessage: "no products" });
  await letters.delete(stored.id); // products, matches and debug steps go with it
  const deleted: number = await letters.deleteMany([1, 2, 3]);
  console.log(deleted);

  // --- inside a larger transaction ---
  await db.prisma.$transaction(async (tx) => {
    const inTx = new LetterRepository(tx);
    await inTx.createOrReplaceByFileHash({ documentName: "a.pdf", sourceFilePath: "/a.pdf", fileHash: "abc" });
    await tx.letter.updateMany({ where: { fileHash: "abc" }, data: { status: "reviewed" } });
  });

  // --- errors ---
  try {
    await letters.getById(42);
  } catch (error) {
    if (isDatabaseError(error) && error.code === "NOT_FOUND") console.log("no letter 42");
    else if (error instanceof ValidationError) console.log(error.issues); // [{ path, message }, …]
    else throw error;
  }
  console.log(NotFoundError.name);
}

// --- README "Use it from a service" ---
export async function readmeUse(): Promise<void> {
  const db = await connectDatabase(); // DATABASE_URL or DB_* from the environment; throws DatabaseUnavailableError if unreachable
  const letters = new LetterRepository(db.prisma); // cheap: holds no connection of its own
  process.once("SIGTERM", () => void db.close()); // ends the pool

  const page = await letters.search({ query: "altivar", status: "processed", page: 1, limit: 25 });
  const letter = await letters.getById(page.data[0]!.id, { products: true, matches: true });
  const health = await checkDatabaseHealth(db); // { healthy, reachable, latencyMs, migrations: { pending, … } }
  void letter.products;
  void health.migrations?.pending;
}
