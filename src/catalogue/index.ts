/**
 * `@se-letters/db/catalogue`: the IBcatalogue (Schneider Electric's product catalogue) for SE Letters. Lookups
 * by identifiers, range and search; enrichment of letters' matches with their catalogue rows; and the sync
 * that copies the catalogue's DuckDB file into PostgreSQL, so a web tier reads it there and never holds the
 * file's lock. The DuckDB file source needs the optional peer `@duckdb/node-api`, loaded at first use: the
 * PostgreSQL source and the package's main entry never load it.
 */
export { openDuckDbCatalogue } from "./duckdb-catalogue.ts";
export { openPostgresCatalogue, type PostgresCatalogueOptions } from "./postgres-catalogue.ts";
export { openCatalogue, type CatalogueSourceOptions } from "./open-catalogue.ts";
export { CATALOGUE_DEFAULTS, type CatalogueColumnNames, type DuckDbCatalogueOptions } from "./catalogue-options.ts";
export type { CatalogueLookup, CatalogueLookupItem, CatalogueRangeInput, CatalogueSearchInput, ProductCatalogue } from "./product-catalogue.ts";
export { postgresTypeOf, type CatalogueColumn, type CatalogueRow, type CatalogueValue } from "./catalogue-columns.ts";
export { enrichLetterMatches, enrichLettersMatches, enrichMatches, type EnrichedMatch } from "./enrich-matches.ts";
export { syncCatalogue } from "./sync-catalogue.ts";
export { SYNC_DEFAULTS, type CatalogueSyncOptions, type CatalogueSyncProgress, type CatalogueSyncSummary } from "./sync-options.ts";
export { createSampleCatalogueDuckDb, SAMPLE_CATALOGUE_PRODUCTS, type SampleCatalogueOptions } from "./sample-catalogue.ts";
export {
  CatalogueLockedError,
  CatalogueNotSyncedError,
  CatalogueSourceError,
  CatalogueSyncRefusedError,
  type CatalogueSourceProblem,
} from "../errors.ts";
