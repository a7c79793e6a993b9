import { safeErrorReason } from "../connection/safe-error-reason.ts";
import { ImportFailedError } from "../errors.ts";
import type { DeferredStructure } from "./bulk-load.ts";

/**
 * The error of an import PostgreSQL refused (already rolled back): the table and the structure being
 * rebuilt when it failed, PostgreSQL's reason without the password, its SQLSTATE, and what to do when the
 * data caused it.
 */
export function loadFailure(error: unknown, table: string | undefined, password: string | undefined, structure?: DeferredStructure): ImportFailedError {
  const pgError = error as { code?: unknown; where?: unknown; detail?: unknown };
  const sqlState = typeof pgError.code === "string" && /^[0-9A-Z]{5}$/.test(pgError.code) ? pgError.code : undefined;
  const where = typeof pgError.where === "string" ? ` (${pgError.where.split("\n")[0]})` : "";
  const reason = safeErrorReason(error, password);
  return new ImportFailedError(
    `Import failed${table === undefined ? "" : ` in ${table}`}: ${reason}${where}${sqlState === undefined ? "" : ` [SQLSTATE ${sqlState}]`}. Nothing was changed: the transaction was rolled back.${whatToDo(sqlState, structure)}`,
    table,
    sqlState,
    { cause: error },
  );
}

/** Advice for failures of the rebuild that come from the data, not from the server. */
function whatToDo(sqlState: string | undefined, structure: DeferredStructure | undefined): string {
  if (structure === undefined) return "";
  if (sqlState === "54000") {
    const columns = /\(([^()]*)\)\s*$/.exec(structure.create.replace(/ WHERE .*$/, ""))?.[1] ?? "the indexed column";
    return (
      ` A value is too large for ${structure.name} (${structure.create}): a btree entry holds at most 2,704 bytes after` +
      ` compression. Find the longest values in the DuckDB file, e.g. SELECT id, strlen(${columns.split(",")[0]?.trim()}) AS bytes FROM ${structure.table} ORDER BY bytes DESC LIMIT 10,` +
      " then shorten them or remove those rows and import again."
    );
  }
  if (sqlState === "23505") return ` The data breaks ${structure.name} (${structure.create}): remove the duplicates from the DuckDB file, or that constraint from the target.`;
  return "";
}
