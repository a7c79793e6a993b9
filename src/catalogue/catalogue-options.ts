/**
 * The catalogue columns the lookups use, by role. Names are matched against the catalogue's own columns
 * case-insensitively (as DuckDB does), so `product_identifier` finds `PRODUCT_IDENTIFIER`.
 */
export interface CatalogueColumnNames {
  /** The product identifier (a text column): what `letter_product_matches.ibcatalogue_product_identifier` holds. Defaults to `"PRODUCT_IDENTIFIER"`. */
  identifier?: string;
  /** The range label, as `letter_products.range_label`. Defaults to `"RANGE_LABEL"`. */
  range?: string;
  /** The subrange label, as `letter_products.subrange_label`. Defaults to `"SUBRANGE_LABEL"`. */
  subrange?: string;
  /** The product description, searched by {@link ProductCatalogue.search}. Defaults to `"PRODUCT_DESCRIPTION"`. */
  description?: string;
}

/**
 * Every default of the catalogue in one place. The column names are those of the IBcatalogue DuckDB file the
 * SE Letters pipeline builds from `IBcatalogue.xlsx` (one table `products`, upper-case columns such as
 * `PRODUCT_IDENTIFIER`, `RANGE_LABEL`, `SUBRANGE_LABEL`, `PRODUCT_DESCRIPTION`, `COMMERCIAL_STATUS`, …).
 */
export const CATALOGUE_DEFAULTS = Object.freeze({
  /** The catalogue table in the DuckDB file. */
  table: "products",
  columns: Object.freeze({
    identifier: "PRODUCT_IDENTIFIER",
    range: "RANGE_LABEL",
    subrange: "SUBRANGE_LABEL",
    description: "PRODUCT_DESCRIPTION",
  }) as Readonly<Required<CatalogueColumnNames>>,
  /** The PostgreSQL table a sync writes and the PostgreSQL catalogue reads. */
  postgresTable: "ibcatalogue_products",
  /** How long opening a file held by a writer is retried before {@link CatalogueLockedError}, in ms. */
  lockWaitMs: 2_000,
  /** Rows returned by a search when no limit is given. */
  searchLimit: 20,
  /** Rows returned by a range lookup when no limit is given. */
  rangeLimit: 1_000,
  /** The largest limit accepted by a search or range lookup. */
  maxLimit: 10_000,
  /** The largest number of identifiers accepted by one lookup. */
  maxIdentifiers: 100_000,
  /** DuckDB's `memory_limit` while a catalogue file is open. */
  duckDbMemoryLimit: "256MB",
});

/** Options of {@link openDuckDbCatalogue}. */
export interface DuckDbCatalogueOptions {
  /** The IBcatalogue DuckDB file, opened read-only. Required. */
  file: string;
  /** The catalogue table. Defaults to `"products"`. */
  table?: string;
  /** Column names by role. Each defaults to the IBcatalogue's (see {@link CATALOGUE_DEFAULTS}). */
  columns?: CatalogueColumnNames;
  /**
   * How long to keep retrying when another process holds the file open for writing, in ms; then
   * {@link CatalogueLockedError}. `0` tries once. Defaults to `2000`.
   */
  lockWaitMs?: number;
  /** DuckDB's `memory_limit`. Defaults to `"256MB"`. */
  memoryLimit?: string;
}

/** The column names with every default applied. */
export function resolveColumnNames(columns: CatalogueColumnNames = {}): Readonly<Required<CatalogueColumnNames>> {
  return Object.freeze({ ...CATALOGUE_DEFAULTS.columns, ...Object.fromEntries(Object.entries(columns).filter(([, name]) => name !== undefined)) });
}
