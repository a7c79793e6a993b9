import { CatalogueSourceError } from "../errors.ts";
import type { CatalogueColumn } from "./catalogue-columns.ts";

/** The error of a lookup that needs a column (range, subrange) the catalogue lacks. */
export function missingRoleError(where: string, role: "range" | "subrange", columns: readonly CatalogueColumn[]): CatalogueSourceError {
  return new CatalogueSourceError(
    where,
    "missing-column",
    `it has no ${role} column (its columns: ${columns.map((column) => column.name).join(", ")}); name it with columns.${role}`,
  );
}
