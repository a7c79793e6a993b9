import type { CatalogueColumn, CatalogueRow } from "./catalogue-columns.ts";
import type { CatalogueColumnNames } from "./catalogue-options.ts";

/** One identifier asked for and what the catalogue holds for it. */
export interface CatalogueLookupItem {
  /** The identifier, as given. */
  readonly identifier: string;
  /** Its catalogue row, or `null` when the catalogue has none. */
  readonly product: CatalogueRow | null;
}

/** The answer to {@link ProductCatalogue.findByIdentifiers}. */
export interface CatalogueLookup {
  /** One item per identifier given, in the order given, duplicates included. */
  readonly items: readonly CatalogueLookupItem[];
  /** The identifiers the catalogue lacks, each once, in the order first given. */
  readonly missing: readonly string[];
}

/** Input of {@link ProductCatalogue.findByRange}. */
export interface CatalogueRangeInput {
  /** The range label, matched exactly (as `letter_products.range_label` holds it). Required. */
  rangeLabel: string;
  /** The subrange label, matched exactly. Defaults to any subrange. */
  subrangeLabel?: string;
  /** Rows returned at most, in identifier order. Defaults to `1000`; at most `10000`. */
  limit?: number;
}

/** Input of {@link ProductCatalogue.search}. */
export interface CatalogueSearchInput {
  /**
   * Matched case-insensitively against the start of the identifier or anywhere in the description (`%` and
   * `_` are plain characters). Rows whose identifier starts with it come first, then by identifier. Required,
   * not blank.
   */
  term: string;
  /** Rows returned at most. Defaults to `20`; at most `10000`. */
  limit?: number;
}

/**
 * The IBcatalogue, read from its DuckDB file ({@link openDuckDbCatalogue}) or from its PostgreSQL copy
 * ({@link openPostgresCatalogue}); both give the same answers for the same catalogue. Each call runs one
 * query. Rows carry every column of the catalogue with its type (see {@link CatalogueValue}).
 *
 * @example
 * const catalogue = await openPostgresCatalogue({ pool: db.pool });
 * const { items, missing } = await catalogue.findByIdentifiers(["LC1D09M7", "ATV320U15N4B"]);
 */
export interface ProductCatalogue {
  /** Where the rows come from. */
  readonly source: "duckdb" | "postgresql";
  /** Every column, in the catalogue's order. */
  readonly columns: readonly CatalogueColumn[];
  /** The column used for each role, spelled as in the catalogue (`undefined` when the catalogue lacks it). */
  readonly roles: Readonly<{ identifier: string } & Omit<CatalogueColumnNames, "identifier">>;
  /**
   * The rows of many identifiers in one query: one item per identifier given, in order, duplicates kept,
   * `product: null` for the unknown ones (also listed in `missing`). Should the file hold an identifier more
   * than once, its first row (in the table's order) is given.
   *
   * @throws {ValidationError} when `identifiers` is not an array of at most 100,000 strings.
   */
  findByIdentifiers(identifiers: readonly string[]): Promise<CatalogueLookup>;
  /**
   * The products of a range (and subrange), in identifier order.
   *
   * @throws {ValidationError} naming the field when the input is invalid.
   * @throws {CatalogueSourceError} (`missing-column`) when the catalogue has no range or subrange column.
   */
  findByRange(input: CatalogueRangeInput): Promise<CatalogueRow[]>;
  /**
   * Products whose identifier starts with `term` or whose description contains it, case-insensitively.
   *
   * @throws {ValidationError} naming the field when the input is invalid.
   */
  search(input: CatalogueSearchInput): Promise<CatalogueRow[]>;
  /** Releases the file or stops using the pool (a pool given by the caller stays open). Safe to call more than once. */
  close(): Promise<void>;
}
