/** The four tables the importer copies, parents before children. */
export const IMPORT_TABLES = ["letters", "letter_products", "letter_product_matches", "processing_debug"] as const;

/** One of the four imported tables. */
export type ImportTable = (typeof IMPORT_TABLES)[number];

/** A reference from a child column to its parent table's `id`. */
export interface ParentReference {
  readonly column: string;
  readonly parent: ImportTable;
}

/**
 * The foreign keys of the target schema (all `ON DELETE CASCADE` to the parent's `id`): a child row whose
 * parent is missing or rejected cannot be imported and is rejected with it.
 */
export const PARENT_REFERENCES: Readonly<Record<ImportTable, readonly ParentReference[]>> = Object.freeze({
  letters: [],
  letter_products: [{ column: "letter_id", parent: "letters" }],
  letter_product_matches: [
    { column: "letter_id", parent: "letters" },
    { column: "letter_product_id", parent: "letter_products" },
  ],
  processing_debug: [{ column: "letter_id", parent: "letters" }],
});

/** Double-quotes an identifier for PostgreSQL or DuckDB. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
