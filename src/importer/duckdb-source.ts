import { existsSync, statSync } from "node:fs";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { ImportSourceError } from "../errors.ts";
import { loadDuckDb } from "./duckdb-module.ts";
import { IMPORT_DEFAULTS } from "./import-options.ts";

/** How a DuckDB column is read: its physical layout in a vector. */
export type SourceKind = "int4" | "float4" | "bool" | "varchar" | "json" | "timestamp";

/** One column of a DuckDB table, as its catalogue describes it. */
export interface SourceColumn {
  readonly name: string;
  /** `data_type` as DuckDB spells it (`INTEGER`, `FLOAT`, `VARCHAR`, `JSON`, `TIMESTAMP`, …). */
  readonly dataType: string;
  /** How it is read, or `undefined` when the importer cannot read that type. */
  readonly kind: SourceKind | undefined;
}

const KIND_BY_DUCKDB_TYPE: Readonly<Record<string, SourceKind>> = {
  INTEGER: "int4",
  FLOAT: "float4",
  REAL: "float4",
  BOOLEAN: "bool",
  VARCHAR: "varchar",
  JSON: "json",
  TIMESTAMP: "timestamp",
};

/** An open, read-only DuckDB file and its catalogue. */
export interface DuckDbSource {
  readonly file: string;
  readonly connection: DuckDBConnection;
  /** Columns of every table of the `main` schema, by table name, in column order. */
  readonly tables: ReadonlyMap<string, readonly SourceColumn[]>;
  /** Tables whose `id` DuckDB keeps unique (a PRIMARY KEY or UNIQUE constraint on `id` alone). */
  readonly uniqueIdTables: ReadonlySet<string>;
  /** Opens another connection to the same file, to read while `connection` is busy; the caller closes it. */
  connect(): Promise<DuckDBConnection>;
  /** Closes the connection and the instance. Safe to call more than once. */
  close(): void;
}

/** Options of {@link openDuckDbSource}. */
export interface OpenDuckDbSourceOptions {
  /** DuckDB's `memory_limit`; without it DuckDB may take 80 % of RAM for its buffers. Defaults to `IMPORT_DEFAULTS.duckDbMemoryLimit`. */
  memoryLimit?: string;
}

/**
 * Opens a DuckDB file read-only (so a running pipeline's file is never modified) and reads its catalogue.
 *
 * @throws {ImportSourceError} when the file is missing, is not a DuckDB database, or is locked by a writer.
 */
export async function openDuckDbSource(file: string, options: OpenDuckDbSourceOptions = {}): Promise<DuckDbSource> {
  if (!existsSync(file)) throw new ImportSourceError(file, ["the file does not exist"]);
  if (!statSync(file).isFile()) throw new ImportSourceError(file, ["it is not a file"]);
  const DuckDb = await loadDuckDb(file);
  let instance: DuckDBInstance;
  try {
    instance = await DuckDb.DuckDBInstance.create(file, { access_mode: "READ_ONLY", memory_limit: options.memoryLimit ?? IMPORT_DEFAULTS.duckDbMemoryLimit });
  } catch (error) {
    throw new ImportSourceError(file, [describeOpenFailure(error)], { cause: error });
  }
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    const tables = await readDuckDbColumns(connection);
    const unique = await connection.runAndReadAll(
      `SELECT DISTINCT table_name FROM duckdb_constraints() WHERE schema_name = 'main' AND database_name = current_database()
          AND constraint_type IN ('PRIMARY KEY', 'UNIQUE') AND constraint_column_names = ['id']`,
    );
    const uniqueIdTables = new Set(unique.getRowsJS().map((row) => String(row[0])));
    const open = connection;
    let closed = false;
    return Object.freeze({
      file,
      connection: open,
      tables,
      uniqueIdTables,
      connect: () => instance.connect(),
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
    throw new ImportSourceError(file, [`cannot read its catalogue: ${firstLine(error)}`], { cause: error });
  }
}

/** Columns of every table of the connection's `main` schema, by table name, in column order. */
export async function readDuckDbColumns(connection: DuckDBConnection): Promise<Map<string, SourceColumn[]>> {
  const reader = await connection.runAndReadAll(
    "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' AND database_name = current_database() ORDER BY table_name, column_index",
  );
  const tables = new Map<string, SourceColumn[]>();
  for (const row of reader.getRowObjectsJS() as { table_name: string; column_name: string; data_type: string }[]) {
    const columns = tables.get(row.table_name) ?? [];
    columns.push(Object.freeze({ name: row.column_name, dataType: row.data_type, kind: KIND_BY_DUCKDB_TYPE[row.data_type] }));
    tables.set(row.table_name, columns);
  }
  return tables;
}

/** Why DuckDB could not open a file: not a DuckDB database, held by a writer (its lock), or another reason; with DuckDB's first line. */
export function duckDbOpenFailure(error: unknown): { reason: "not-duckdb" | "locked" | "other"; message: string } {
  const message = firstLine(error);
  if (/not a valid DuckDB database file/i.test(message)) return { reason: "not-duckdb", message };
  return { reason: /lock/i.test(message) ? "locked" : "other", message };
}

function describeOpenFailure(error: unknown): string {
  const { reason, message } = duckDbOpenFailure(error);
  if (reason === "not-duckdb") return "it is not a DuckDB database file";
  if (reason === "locked") return `it is locked by another process that has it open for writing (${message}); stop that process or copy the file`;
  return `DuckDB cannot open it: ${message}`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
