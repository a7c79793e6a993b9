import { openDuckDbCatalogue } from "./duckdb-catalogue.ts";
import type { DuckDbCatalogueOptions } from "./catalogue-options.ts";
import { openPostgresCatalogue, type PostgresCatalogueOptions } from "./postgres-catalogue.ts";
import type { ProductCatalogue } from "./product-catalogue.ts";

/**
 * Where the catalogue is read from: `{ source: "postgresql", pool }` (the synced copy: what a web tier
 * should use, it never touches the file) or `{ source: "duckdb", file }` (the file itself, read-only).
 */
export type CatalogueSourceOptions = ({ source: "postgresql" } & PostgresCatalogueOptions) | ({ source: "duckdb" } & DuckDbCatalogueOptions);

/**
 * Opens the catalogue from the source configured: the same lookups and answers either way.
 *
 * @throws as {@link openPostgresCatalogue} or {@link openDuckDbCatalogue}.
 */
export function openCatalogue(options: CatalogueSourceOptions): Promise<ProductCatalogue> {
  const { source, ...rest } = options;
  return source === "postgresql" ? openPostgresCatalogue(rest as PostgresCatalogueOptions) : openDuckDbCatalogue(rest as DuckDbCatalogueOptions);
}
