import type { DatabaseOptions } from "../config/database-config.ts";
import type { CatalogueColumn } from "./catalogue-columns.ts";
import type { DuckDbCatalogueOptions } from "./catalogue-options.ts";
import type { ProductCatalogue } from "./product-catalogue.ts";

/** Progress of a sync, in the importer's shape (so the CLI's progress printer shows it). */
export type CatalogueSyncProgress =
  | {
      readonly phase: "load";
      readonly table: string;
      readonly rowsRead: number;
      readonly imported: number;
      readonly rejected: number;
      readonly totalRows: number;
      readonly seconds: number;
    }
  | { readonly phase: "table-loaded"; readonly table: string; readonly rowsRead: number; readonly imported: number; readonly rejected: number; readonly seconds: number };

/** Options of {@link syncCatalogue}: where PostgreSQL is (as for `connectDatabase`), and the file as for {@link openDuckDbCatalogue}. */
export interface CatalogueSyncOptions extends DatabaseOptions, Omit<DuckDbCatalogueOptions, "file"> {
  /** The IBcatalogue DuckDB file, opened read-only. Required. */
  from: string;
  /** The PostgreSQL table to (re)place. Defaults to `"ibcatalogue_products"`. */
  postgresTable?: string;
  /**
   * Rows that repeat an identifier: `"error"` refuses the file ({@link CatalogueSyncRefusedError}), `"first"`
   * keeps the first row of each identifier in the table's order, `"last"` the last. Defaults to `"error"`.
   */
  onDuplicate?: "error" | "first" | "last";
  /** Rows without an identifier: `"error"` refuses the file, `"skip"` leaves them out. Defaults to `"error"`. */
  onNull?: "error" | "skip";
  /** Called as rows are copied. Defaults to none. */
  onProgress?: (progress: CatalogueSyncProgress) => void;
}

/** What {@link syncCatalogue} did. */
export interface CatalogueSyncSummary {
  /** The file and its table. */
  readonly source: { readonly file: string; readonly table: string };
  /** The PostgreSQL table now holding the catalogue. */
  readonly table: string;
  /** `user@host:port/database` of the target. */
  readonly target: string;
  /** Rows in the new copy. */
  readonly rows: number;
  /** Rows of the file left out for a NULL identifier (`onNull: "skip"`). */
  readonly skippedNullIdentifiers: number;
  /** Rows of the file left out because another row has their identifier (`onDuplicate: "first" | "last"`). */
  readonly droppedDuplicateRows: number;
  /** Every column, with its DuckDB and PostgreSQL types. */
  readonly columns: readonly CatalogueColumn[];
  readonly roles: ProductCatalogue["roles"];
  /** Whether a previous copy was replaced. */
  readonly replacedPrevious: boolean;
  /** Wall time of the whole sync, in milliseconds. */
  readonly durationMs: number;
}

/** Every default of the sync. */
export const SYNC_DEFAULTS = Object.freeze({
  onDuplicate: "error" as "error" | "first" | "last",
  onNull: "error" as "error" | "skip",
  /** How long the swap waits for readers' locks on the old copy before giving up (nothing is changed then). */
  swapLockTimeout: "60s",
});
