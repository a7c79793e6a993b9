import type { DuckDBConnection } from "@duckdb/node-api";
import { ImportSourceError } from "../errors.ts";
import { loadDuckDb } from "./duckdb-module.ts";
import { IMPORT_TABLES, quoteIdentifier, type ImportTable } from "./import-tables.ts";
import { canonicalJsonb, JsonbRefusal } from "./jsonb-canonical.ts";

/** How one table of two DuckDB files compares. */
export interface TableComparison {
  readonly table: ImportTable;
  readonly sourceRows: number;
  readonly copyRows: number;
  /** Rows (by id) missing from one side or with at least one differing cell. */
  readonly differingRows: number;
}

/** The cell-for-cell comparison of two DuckDB files of the pipeline's shape. */
export interface FileComparison {
  /** True when every table has the same rows, by id, with the same cells. */
  readonly identical: boolean;
  readonly tables: readonly TableComparison[];
  /** Every difference, one sentence each, the first {@link MAX_LISTED_DIFFERENCES}; `differenceCount` counts all. */
  readonly differences: readonly string[];
  readonly differenceCount: number;
}

/** At most this many differences are listed; the count stays exact. */
export const MAX_LISTED_DIFFERENCES = 1_000;

interface Column {
  readonly name: string;
  readonly type: string;
}

const shown = (value: unknown): string => {
  if (value === null || value === undefined) return "NULL";
  const text = String(value);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}…` : text);
};

async function columnsOf(connection: DuckDBConnection, database: string, table: string): Promise<Column[]> {
  const reader = await connection.runAndReadAll(
    `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = '${database}' AND schema_name = 'main' AND table_name = '${table}' ORDER BY column_index`,
  );
  return reader.getRowsJS().map((row) => ({ name: String(row[0]), type: String(row[1]) }));
}

/**
 * The SQL that finds the differing rows of one table: a full join on `id`, each cell compared exactly
 * (REAL by its text, which tells -0 from 0 and NaN apart; text byte for byte; TIMESTAMP to the microsecond).
 * JSON cells whose texts differ are returned, both sides, to be compared as jsonb values in JavaScript.
 */
function differingRowsSql(table: string, exact: readonly Column[], json: readonly Column[]): string {
  const s = (column: Column) => `s.${quoteIdentifier(column.name)}`;
  const c = (column: Column) => `c.${quoteIdentifier(column.name)}`;
  const differs = (column: Column) =>
    column.type === "FLOAT" || column.type === "REAL" || column.type === "DOUBLE"
      ? `CAST(${s(column)} AS VARCHAR) IS DISTINCT FROM CAST(${c(column)} AS VARCHAR)`
      : `${s(column)} IS DISTINCT FROM ${c(column)}`;
  const jsonDiffers = (column: Column) => `CAST(${s(column)} AS VARCHAR) IS DISTINCT FROM CAST(${c(column)} AS VARCHAR)`;
  const select = [
    "coalesce(s.id, c.id) AS id",
    "s.id IS NULL AS only_copy",
    "c.id IS NULL AS only_source",
    ...exact.flatMap((column) => [`CASE WHEN ${differs(column)} THEN CAST(${s(column)} AS VARCHAR) END`, `CASE WHEN ${differs(column)} THEN CAST(${c(column)} AS VARCHAR) END`, `${differs(column)}`]),
    ...json.flatMap((column) => [`CAST(${s(column)} AS VARCHAR)`, `CAST(${c(column)} AS VARCHAR)`, `${jsonDiffers(column)}`]),
  ];
  const any = ["s.id IS NULL", "c.id IS NULL", ...exact.map(differs), ...json.map(jsonDiffers)].join(" OR ");
  const name = quoteIdentifier(table);
  return `SELECT ${select.join(", ")} FROM src.main.${name} s FULL JOIN cpy.main.${name} c ON s.id = c.id WHERE ${any} ORDER BY 1`;
}

/** JSON texts as jsonb would hold them; a text jsonb refuses is kept as it is (so it differs from any copy). */
function sameJsonValue(source: string | null, copy: string | null): boolean {
  if (source === null || copy === null) return source === copy;
  const canonical = (text: string) => {
    try {
      return canonicalJsonb(text);
    } catch (error) {
      if (error instanceof JsonbRefusal) return `\u0000${text}`;
      throw error;
    }
  };
  return canonical(source) === canonical(copy);
}

/**
 * Compares two DuckDB files of the pipeline's four tables cell for cell, rows matched by `id`: rows missing
 * on either side, columns of one file the other lacks, and every differing cell. JSON cells are compared as
 * the values PostgreSQL's jsonb holds (`canonicalJsonb`): jsonb keeps values, not text, so key order,
 * whitespace, duplicate keys and number spelling (`1E2` vs `100`) are not differences. Both files are opened
 * read-only; memory stays at a chunk of differing rows.
 *
 * @throws {ImportSourceError} when either file cannot be opened.
 */
export async function compareDuckDbFiles(source: string, copy: string, options: { memoryLimit?: string } = {}): Promise<FileComparison> {
  const DuckDb = await loadDuckDb(source);
  const instance = await DuckDb.DuckDBInstance.create(":memory:", { memory_limit: options.memoryLimit ?? "256MB" });
  const connection = await instance.connect();
  try {
    for (const [alias, file] of [["src", source], ["cpy", copy]] as const) {
      await connection.run(`ATTACH '${file.replace(/'/g, "''")}' AS ${alias} (READ_ONLY)`).catch((error: unknown) => {
        throw new ImportSourceError(file, [`DuckDB cannot open it: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}`], { cause: error });
      });
    }
    const tables: TableComparison[] = [];
    const differences: string[] = [];
    let differenceCount = 0;
    const differ = (sentence: string) => {
      differenceCount++;
      if (differences.length < MAX_LISTED_DIFFERENCES) differences.push(sentence);
    };
    for (const table of IMPORT_TABLES) {
      const sourceColumns = await columnsOf(connection, "src", table);
      const copyColumns = await columnsOf(connection, "cpy", table);
      if (sourceColumns.length === 0 || copyColumns.length === 0) {
        differ(`${table}: the ${sourceColumns.length === 0 ? "source" : "copy"} has no such table`);
        continue;
      }
      const copyByName = new Map(copyColumns.map((column) => [column.name, column]));
      const sourceNames = new Set(sourceColumns.map((column) => column.name));
      for (const column of sourceColumns) if (!copyByName.has(column.name)) differ(`${table}.${column.name}: column missing from the copy`);
      for (const column of copyColumns) if (!sourceNames.has(column.name)) differ(`${table}.${column.name}: column only in the copy`);
      const shared = sourceColumns.filter((column) => column.name !== "id" && copyByName.has(column.name));
      const isJson = (column: Column) => column.type === "JSON" || copyByName.get(column.name)?.type === "JSON";
      const exact = shared.filter((column) => !isJson(column));
      const json = shared.filter(isJson);
      const count = async (alias: string) => Number((await connection.runAndReadAll(`SELECT count(*) FROM ${alias}.main.${quoteIdentifier(table)}`)).getRowsJS()[0]?.[0] ?? 0);
      let differingRows = 0;
      const result = await connection.stream(differingRowsSql(table, exact, json));
      for await (const rows of result.yieldRowsJs()) {
        for (const row of rows) {
          const id = row[0] === null ? "NULL" : String(row[0]);
          let rowDiffers = false;
          if (row[1] === true) {
            differ(`${table} id ${id}: only in the copy`);
            differingRows++;
            continue;
          }
          if (row[2] === true) {
            differ(`${table} id ${id}: missing from the copy`);
            differingRows++;
            continue;
          }
          exact.forEach((column, index) => {
            const at = 3 + index * 3;
            if (row[at + 2] !== true) return;
            rowDiffers = true;
            differ(`${table} id ${id} ${column.name}: ${shown(row[at])} in the source, ${shown(row[at + 1])} in the copy`);
          });
          json.forEach((column, index) => {
            const at = 3 + exact.length * 3 + index * 3;
            if (row[at + 2] !== true) return;
            const [left, right] = [row[at] as string | null, row[at + 1] as string | null];
            if (sameJsonValue(left, right)) return;
            rowDiffers = true;
            differ(`${table} id ${id} ${column.name}: JSON ${shown(left)} in the source, ${shown(right)} in the copy (not the same jsonb value)`);
          });
          if (rowDiffers) differingRows++;
        }
      }
      tables.push({ table, sourceRows: await count("src"), copyRows: await count("cpy"), differingRows });
    }
    return { identical: differenceCount === 0, tables, differences, differenceCount };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
