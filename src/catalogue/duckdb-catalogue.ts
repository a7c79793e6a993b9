import type { DuckDBType, DuckDBValue } from "@duckdb/node-api";
import { loadDuckDb } from "../importer/duckdb-module.ts";
import { quoteIdentifier } from "../importer/import-tables.ts";
import { catalogueValueOf, duckDbReadExpression, type CatalogueRow } from "./catalogue-columns.ts";
import { openCatalogueFile } from "./catalogue-file.ts";
import { checkIdentifiers, checkRangeInput, checkSearchInput, lookupResult } from "./catalogue-input.ts";
import type { DuckDbCatalogueOptions } from "./catalogue-options.ts";
import { missingRoleError } from "./missing-role.ts";
import type { ProductCatalogue } from "./product-catalogue.ts";

/**
 * Opens the IBcatalogue DuckDB file read-only, for the pipeline and for tools. While it is open, no other
 * process can open the file for writing: a web tier should read the PostgreSQL copy instead
 * ({@link syncCatalogue}, {@link openPostgresCatalogue}). Calls on one catalogue run one after another.
 *
 * @throws {CatalogueSourceError} when the file is missing or not DuckDB, or lacks the table or the identifier column.
 * @throws {CatalogueLockedError} when another process holds the file for writing for longer than `lockWaitMs`.
 * @example
 * const catalogue = await openDuckDbCatalogue({ file: "data/IBcatalogue.duckdb" });
 * try {
 *   const { items } = await catalogue.findByIdentifiers(["LC1D09M7"]);
 * } finally {
 *   await catalogue.close();
 * }
 */
export async function openDuckDbCatalogue(options: DuckDbCatalogueOptions): Promise<ProductCatalogue> {
  const opened = await openCatalogueFile(options);
  const DuckDb = await loadDuckDb(opened.file);
  const { roles, columns } = opened;
  const table = quoteIdentifier(opened.table);
  const id = quoteIdentifier(roles.identifier);
  const selectList = columns.map(duckDbReadExpression).join(", ");
  const idIndex = columns.findIndex((column) => column.name === roles.identifier);
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  const rowsOf = async (sql: string, values: Record<string, DuckDBValue>, types?: Record<string, DuckDBType>): Promise<unknown[][]> => {
    const run = queue.then(async () => {
      if (closed) throw new Error("the catalogue is closed");
      return (await opened.connection.runAndReadAll(sql, values, types)).getRows();
    });
    queue = run.catch(() => undefined);
    return (await run) as unknown[][];
  };
  const toRow = (cells: readonly unknown[]): CatalogueRow =>
    Object.freeze(Object.fromEntries(columns.map((column, index) => [column.name, catalogueValueOf(column, cells[index])])));

  return Object.freeze({
    source: "duckdb" as const,
    columns,
    roles,
    async findByIdentifiers(identifiers: readonly string[]) {
      const wanted = checkIdentifiers(identifiers);
      if (wanted.length === 0) return { items: [], missing: [] };
      const rows = await rowsOf(
        `SELECT ${selectList} FROM ${table} WHERE ${id} IN (SELECT unnest($ids)) QUALIFY row_number() OVER (PARTITION BY ${id} ORDER BY rowid) = 1`,
        { ids: DuckDb.listValue([...new Set(wanted)]) },
        { ids: DuckDb.LIST(DuckDb.VARCHAR) },
      );
      return lookupResult(wanted, new Map(rows.map((cells) => [cells[idIndex] as string, toRow(cells)])));
    },
    async findByRange(input) {
      const { rangeLabel, subrangeLabel, limit } = checkRangeInput(input);
      if (roles.range === undefined) throw missingRoleError(opened.file, "range", columns);
      if (subrangeLabel !== undefined && roles.subrange === undefined) throw missingRoleError(opened.file, "subrange", columns);
      const subrange = subrangeLabel === undefined ? "" : ` AND ${quoteIdentifier(roles.subrange!)} = $subrange`;
      const rows = await rowsOf(
        `SELECT ${selectList} FROM ${table} WHERE ${quoteIdentifier(roles.range)} = $range${subrange} ORDER BY ${id}, rowid LIMIT ${limit}`,
        { range: rangeLabel, ...(subrangeLabel === undefined ? {} : { subrange: subrangeLabel }) },
      );
      return rows.map(toRow);
    },
    async search(input) {
      const { prefix, contains, limit } = checkSearchInput(input);
      const byId = `${id} ILIKE $prefix ESCAPE '\\'`;
      const byDescription = roles.description === undefined ? "" : ` OR ${quoteIdentifier(roles.description)} ILIKE $contains ESCAPE '\\'`;
      const rows = await rowsOf(
        `SELECT ${selectList} FROM ${table} WHERE ${byId}${byDescription} ORDER BY (${byId}) DESC, ${id}, rowid LIMIT ${limit}`,
        { prefix, ...(roles.description === undefined ? {} : { contains }) },
      );
      return rows.map(toRow);
    },
    async close() {
      if (closed) return;
      await queue;
      closed = true;
      opened.close();
    },
  } satisfies ProductCatalogue);
}
