import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { ProductCatalogue } from "../catalogue/product-catalogue.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { LetterRepository } from "../letters/letter-repository.ts";
import { EXIT } from "./usage-error.ts";

export const DEMO_USAGE = `Usage:
  se-letters-db demo [--letters N]
      Tries everything with no server: writes a realistic sample DuckDB (default 2000 letters) and a sample
      IBcatalogue, starts an embedded PostgreSQL (data in .se-letters-db/postgres, database se_letters_demo,
      recreated each run), migrates it, imports and verifies the sample, syncs the catalogue, runs searches
      through LetterRepository, shows a letter's matches enriched from the catalogue, and stops it.`;

/** `se-letters-db demo`: the whole path from a DuckDB file to repository searches, on an embedded server. */
export async function runDemoCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { letters: { type: "string", default: "2000" } } });
  const letters = Number(values.letters);
  if (!Number.isInteger(letters) || letters < 1 || letters > 1_000_000) {
    out(`--letters must be a whole number from 1 to 1000000, got ${JSON.stringify(values.letters)}`);
    return EXIT.usage;
  }
  // Loaded on use, so that other commands start without the Prisma client and the embedded server.
  const { connectDatabase } = await import("../client/database-client.ts");
  const { startEmbeddedPostgres } = await import("../embedded/embedded-postgres-server.ts");
  const { LetterRepository } = await import("../letters/letter-repository.ts");
  const { migrate } = await import("../migrate/migrate.ts");
  const { createSampleLettersDuckDb, importDuckDb } = await import("../importer/index.ts");
  const { formatImportSummary } = await import("./import-summary-table.ts");
  const { createSampleCatalogueDuckDb, openPostgresCatalogue, syncCatalogue } = await import("../catalogue/index.ts");

  const folder = resolve(".se-letters-db", "demo");
  const source = join(folder, "letters.duckdb");
  const catalogueFile = join(folder, "IBcatalogue.duckdb");
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  out(`1. Sample DuckDB: ${letters} letters with 5 products, 5 catalogue matches and 4 debug steps each → ${source}`);
  await createSampleLettersDuckDb(source, { letters });
  await createSampleCatalogueDuckDb(catalogueFile);
  out(`   and a sample IBcatalogue (Schneider references the matches point at, a few withdrawn ones missing) → ${catalogueFile}`);

  out("2. Starting an embedded PostgreSQL (data in .se-letters-db/postgres) …");
  const server = await startEmbeddedPostgres({ database: "se_letters_demo", recreateDatabase: true });
  try {
    out(`   running at ${server.description}`);
    const migrated = await migrate({ databaseUrl: server.url, env: {} });
    out(`3. Migrated: ${migrated.applied.join(", ")}`);

    const summary = await importDuckDb({ databaseUrl: server.url, env: {}, from: source });
    out("4. Imported and verified in one transaction:");
    for (const line of formatImportSummary(summary)) out(`   ${line}`);
    if (summary.outcome !== "imported") {
      out(`   The import ended with outcome ${summary.outcome}.`);
      return EXIT.failure;
    }

    const synced = await syncCatalogue({ databaseUrl: server.url, env: {}, from: catalogueFile });
    out(`5. Catalogue synced into PostgreSQL (se-letters-db catalogue sync): ${synced.rows} products, ${synced.columns.length} columns, table ${synced.table}, ${synced.durationMs} ms`);

    const db = await connectDatabase({ databaseUrl: server.url, env: {}, onPoolError: () => undefined });
    try {
      await showSearches(new LetterRepository(db.prisma), out);
      await showEnrichment(db.prisma, await openPostgresCatalogue({ pool: db.pool }), out);
    } finally {
      await db.close();
    }
  } finally {
    await server.stop();
    out("Embedded PostgreSQL stopped. Run `se-letters-db demo` again any time; it starts afresh.");
  }
  return EXIT.ok;
}

async function showSearches(letters: LetterRepository, out: (line: string) => void): Promise<void> {
  out("6. Searches through LetterRepository:");
  const byTerm = await letters.search({ query: "altivar", limit: 3 });
  out(`   search({ query: "altivar", limit: 3 }) → ${byTerm.total} letters${byTerm.totalExact ? "" : " (estimated)"}, first page:`);
  for (const letter of byTerm.data) out(`     #${letter.id} ${letter.documentName} (${letter.status})`);

  const failed = await letters.search({ status: "failed", sortBy: "extractionConfidence", sortOrder: "asc", limit: 3 });
  out(`   search({ status: "failed", sortBy: "extractionConfidence" }) → ${failed.total} failed letters, lowest confidence first:`);
  for (const letter of failed.data) out(`     #${letter.id} confidence ${letter.extractionConfidence?.toFixed(3)} ${letter.documentTitle ?? ""}`);

  const byRange = await letters.searchByCursor({ rangeLabel: "TeSys D", limit: 2 });
  const next = byRange.nextCursor === null ? null : await letters.searchByCursor({ rangeLabel: "TeSys D", limit: 2, cursor: byRange.nextCursor });
  out(`   searchByCursor({ rangeLabel: "TeSys D", limit: 2 }) → ids ${byRange.data.map((row) => row.id).join(", ")}; next page ids ${next?.data.map((row) => row.id).join(", ") ?? "none"}`);

  const first = byTerm.data[0];
  if (first) {
    const full = await letters.getById(first.id, { products: true, matches: true, debugSteps: true });
    out(`   getById(${first.id}, with children) → ${full.products.length} products, ${full.matches.length} matches, ${full.debugSteps.length} debug steps`);
  }
  const stats = await letters.getStatistics();
  out(
    `   getStatistics() → ${stats.totalLetters} letters (${stats.processedCount} processed, ${stats.failedCount} failed), ` +
      `${stats.totalProducts} products, ${stats.totalMatches} matches, average confidence ${stats.averageConfidence?.toFixed(3)}`,
  );
}

async function showEnrichment(prisma: PrismaClient, catalogue: ProductCatalogue, out: (line: string) => void): Promise<void> {
  const { enrichLetterMatches } = await import("../catalogue/index.ts");
  const { WITHDRAWN_SAMPLE_IDENTIFIERS } = await import("../importer/sample-products.ts");
  // A letter that names a withdrawn reference, to show a match the catalogue lacks beside those it has.
  const withWithdrawn = await prisma.letterProductMatch.findFirst({ where: { ibcatalogueProductIdentifier: { in: [...WITHDRAWN_SAMPLE_IDENTIFIERS] } }, orderBy: { id: "asc" } });
  const letterId = withWithdrawn?.letterId ?? 1;
  const matches = await enrichLetterMatches(prisma, catalogue, letterId);
  out(`7. enrichLetterMatches(db.prisma, catalogue, ${letterId}) → ${matches.length} matches, ${matches.filter((match) => match.missing).length} missing from the catalogue (one PostgreSQL query, one catalogue query):`);
  for (const match of matches) {
    const product = match.product;
    out(
      product === null
        ? `     ${match.ibcatalogueProductIdentifier.padEnd(13)} missing: not in the catalogue (withdrawn reference)`
        : `     ${match.ibcatalogueProductIdentifier.padEnd(13)} ${String(product.RANGE_LABEL)} | ${String(product.COMMERCIAL_STATUS)} | ${String(product.PRODUCT_DESCRIPTION)}`,
    );
  }
}
