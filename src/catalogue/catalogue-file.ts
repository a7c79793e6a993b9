import { existsSync, statSync } from "node:fs";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { CatalogueLockedError, CatalogueSourceError } from "../errors.ts";
import { loadDuckDb } from "../importer/duckdb-module.ts";
import { duckDbOpenFailure, readDuckDbColumns } from "../importer/duckdb-source.ts";
import { catalogueColumn, type CatalogueColumn } from "./catalogue-columns.ts";
import { CATALOGUE_DEFAULTS, resolveColumnNames, type DuckDbCatalogueOptions } from "./catalogue-options.ts";
import type { ProductCatalogue } from "./product-catalogue.ts";

/** An open, read-only catalogue file: its table and columns as DuckDB's catalogue describes them. */
export interface CatalogueFile {
  readonly file: string;
  readonly connection: DuckDBConnection;
  /** The table, spelled as in the file. */
  readonly table: string;
  /** Every column of the table, in order. */
  readonly columns: readonly CatalogueColumn[];
  /** The column of each role, spelled as in the file. */
  readonly roles: ProductCatalogue["roles"];
  /** Closes the connection and the instance. Safe to call more than once. */
  close(): void;
}

const RETRY_DELAYS_MS = [25, 50, 100, 200, 250];

/**
 * Opens a catalogue file read-only and reads its table's columns from DuckDB's own catalogue
 * (`duckdb_columns()`). Names of the table and columns are matched case-insensitively. A file that another
 * process holds for writing is retried for `lockWaitMs`, never longer.
 *
 * @throws {CatalogueSourceError} when the file is missing or not DuckDB, lacks the table or the identifier
 *   column (or a column named explicitly in `columns`), or the identifier column is not text.
 * @throws {CatalogueLockedError} when the file is still held for writing after `lockWaitMs`.
 */
export async function openCatalogueFile(options: DuckDbCatalogueOptions): Promise<CatalogueFile> {
  const file = options.file;
  if (!existsSync(file)) throw new CatalogueSourceError(file, "missing-file", "the file does not exist");
  if (!statSync(file).isFile()) throw new CatalogueSourceError(file, "missing-file", "it is not a file");
  const DuckDb = await loadDuckDb(file, (problem, cause) => new CatalogueSourceError(file, "duckdb-unavailable", problem, cause === undefined ? undefined : { cause }));
  const instance = await openReadOnly(DuckDb.DuckDBInstance, file, options.lockWaitMs ?? CATALOGUE_DEFAULTS.lockWaitMs, options.memoryLimit);
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    // Timestamps WITH TIME ZONE read as text in UTC, as PostgreSQL's sessions (in UTC) print them.
    await connection.run("SET TimeZone = 'UTC'");
    const { table, columns } = await readTable(connection, file, options.table ?? CATALOGUE_DEFAULTS.table);
    const roles = resolveRoles(file, columns, options);
    const open = connection;
    let closed = false;
    return Object.freeze({
      file,
      connection: open,
      table,
      columns,
      roles,
      close() {
        if (closed) return;
        closed = true;
        open.closeSync();
        instance.closeSync();
      },
    });
  } catch (error) {
    connection?.closeSync();
    instance.closeSync();
    throw error;
  }
}

async function openReadOnly(
  Instance: typeof DuckDBInstance,
  file: string,
  lockWaitMs: number,
  memoryLimit: string = CATALOGUE_DEFAULTS.duckDbMemoryLimit,
): Promise<DuckDBInstance> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await Instance.create(file, { access_mode: "READ_ONLY", memory_limit: memoryLimit });
    } catch (error) {
      const { reason, message } = duckDbOpenFailure(error);
      if (reason === "not-duckdb") throw new CatalogueSourceError(file, "not-duckdb", "it is not a DuckDB database file", { cause: error });
      if (reason === "other") throw new CatalogueSourceError(file, "not-duckdb", `DuckDB cannot open it: ${message}`, { cause: error });
      const waited = Date.now() - started;
      const delay = RETRY_DELAYS_MS[Math.min(attempt - 1, RETRY_DELAYS_MS.length - 1)]!;
      if (waited + delay > lockWaitMs) throw new CatalogueLockedError(file, attempt, waited, { cause: error });
      await new Promise((resolveDelay) => setTimeout(resolveDelay, delay));
    }
  }
}

async function readTable(connection: DuckDBConnection, file: string, wanted: string): Promise<{ table: string; columns: CatalogueColumn[] }> {
  const columnsByTable = await readDuckDbColumns(connection);
  const tables = [...columnsByTable.keys()];
  const table = tables.find((name) => name === wanted) ?? tables.find((name) => name.toLowerCase() === wanted.toLowerCase());
  if (table === undefined) {
    throw new CatalogueSourceError(file, "missing-table", `it has no table ${JSON.stringify(wanted)} (its tables: ${tables.length === 0 ? "none" : tables.join(", ")}); name it with --table (table)`);
  }
  return { table, columns: columnsByTable.get(table)!.map(({ name, dataType }) => catalogueColumn(name, dataType)) };
}

function resolveRoles(file: string, columns: readonly CatalogueColumn[], options: DuckDbCatalogueOptions): ProductCatalogue["roles"] {
  const names = resolveColumnNames(options.columns);
  const find = (role: keyof typeof names): CatalogueColumn | undefined => {
    const wanted = names[role];
    const column = columns.find((candidate) => candidate.name === wanted) ?? columns.find((candidate) => candidate.name.toLowerCase() === wanted.toLowerCase());
    if (column === undefined && (role === "identifier" || options.columns?.[role] !== undefined)) {
      throw new CatalogueSourceError(
        file,
        "missing-column",
        `its table has no ${role} column ${JSON.stringify(wanted)} (its columns: ${columns.map((candidate) => candidate.name).join(", ")})${role === "identifier" ? "; name it with --id-column (columns.identifier)" : ""}`,
      );
    }
    return column;
  };
  const identifier = find("identifier")!;
  if (identifier.duckDbType !== "VARCHAR") {
    throw new CatalogueSourceError(file, "unusable-column", `its identifier column ${identifier.name} is ${identifier.duckDbType}; it must be VARCHAR (text), as the matches' identifiers are`);
  }
  const optional = (role: "range" | "subrange" | "description") => {
    const column = find(role);
    return column === undefined ? {} : { [role]: column.name };
  };
  return Object.freeze({ identifier: identifier.name, ...optional("range"), ...optional("subrange"), ...optional("description") });
}
