import type { CatalogueColumn } from "./catalogue-columns.ts";
import type { ProductCatalogue } from "./product-catalogue.ts";

/** Marks a table comment as written by a catalogue sync, with the version of its shape. */
export const METADATA_MARKER = "se-letters-db catalogue";

/**
 * What a sync records about the copy, as JSON in the PostgreSQL table's comment: it is replaced with the
 * table in the same transaction, so readers never see one table with the other's description.
 */
export interface CatalogueMetadata {
  readonly [METADATA_MARKER]: 1;
  /** The file and table copied. */
  readonly source: { readonly file: string; readonly table: string };
  /** When the sync ran (ISO-8601, UTC). */
  readonly syncedAt: string;
  /** Rows copied. */
  readonly rows: number;
  readonly columns: readonly CatalogueColumn[];
  readonly roles: ProductCatalogue["roles"];
}

/** The metadata in a table comment, or `undefined` when the comment is not a sync's. */
export function parseMetadata(comment: string | null): CatalogueMetadata | undefined {
  if (comment === null) return undefined;
  try {
    const parsed = JSON.parse(comment) as Partial<CatalogueMetadata> | null;
    if (parsed?.[METADATA_MARKER] !== 1 || !Array.isArray(parsed.columns) || typeof parsed.roles?.identifier !== "string") return undefined;
    return parsed as CatalogueMetadata;
  } catch {
    return undefined;
  }
}
