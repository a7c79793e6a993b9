// The catalogue examples proposed for README.md (section "The IBcatalogue"), kept here so that
// `tsc --noEmit` checks them. Keep them in step.
import { connectDatabase, LetterRepository } from "../../src/index.ts";
import {
  enrichLetterMatches,
  enrichLettersMatches,
  enrichMatches,
  openDuckDbCatalogue,
  openPostgresCatalogue,
  syncCatalogue,
  type EnrichedMatch,
} from "../../src/catalogue/index.ts";

// --- a web tier: the PostgreSQL copy, never the DuckDB file ---
export async function webTier(letterId: number, pageIds: number[]): Promise<void> {
  const db = await connectDatabase();
  const catalogue = await openPostgresCatalogue({ pool: db.pool }); // table ibcatalogue_products, written by `catalogue sync`
  try {
    const { items, missing } = await catalogue.findByIdentifiers(["LC1D09M7", "ATV320U15N4B", "LC1D09M7"]);
    for (const { identifier, product } of items) console.log(identifier, product?.["RANGE_LABEL"] ?? "not in the catalogue");
    console.log(missing); // unknown identifiers, once each
    await catalogue.findByRange({ rangeLabel: "TeSys D", subrangeLabel: "TeSys Deca", limit: 100 });
    await catalogue.search({ term: "lc1d", limit: 20 }); // identifier prefix or description substring, case-insensitive

    // One letter's matches, each with its catalogue row or `missing: true`: one PostgreSQL and one catalogue query.
    const matches: EnrichedMatch[] = await enrichLetterMatches(db.prisma, catalogue, letterId);
    for (const match of matches) console.log(match.ibcatalogueProductIdentifier, match.missing ? "missing" : match.product?.["COMMERCIAL_STATUS"]);
    // A page of letters: still one query each.
    const byLetter: Map<number, EnrichedMatch[]> = await enrichLettersMatches(db.prisma, catalogue, pageIds);
    console.log(byLetter.size);
    // Matches already loaded with the letter: no PostgreSQL query at all.
    const letter = await new LetterRepository(db.prisma).getById(letterId, { matches: true });
    await enrichMatches(catalogue, letter.matches);
  } finally {
    await catalogue.close();
    await db.close();
  }
}

// --- the pipeline or a tool: the file itself, read-only; then the copy for the web tier ---
export async function pipeline(): Promise<void> {
  const catalogue = await openDuckDbCatalogue({ file: "data/IBcatalogue.duckdb", lockWaitMs: 2000 });
  try {
    console.log(catalogue.columns.map((column) => `${column.name} ${column.duckDbType} → ${column.postgresType}`));
  } finally {
    await catalogue.close();
  }
  const summary = await syncCatalogue({ from: "data/IBcatalogue.duckdb", onDuplicate: "first", onNull: "skip" });
  console.log(`${summary.rows} products in ${summary.durationMs} ms`);
}
