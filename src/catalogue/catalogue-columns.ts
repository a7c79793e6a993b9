import { quoteIdentifier } from "../importer/import-tables.ts";
import type { JsonValue } from "../letters/json-value.ts";

/** One column of the catalogue, as the DuckDB file declares it and as its PostgreSQL copy stores it. */
export interface CatalogueColumn {
  /** The column's name, spelled as in the file. */
  readonly name: string;
  /** Its type as DuckDB names it (`VARCHAR`, `DOUBLE`, `TIMESTAMP`, `DECIMAL(10,2)`, `VARCHAR[]`, …). */
  readonly duckDbType: string;
  /** Its type in the PostgreSQL copy: the nearest exact type, or `jsonb` for what PostgreSQL has no type for. */
  readonly postgresType: string;
}

/**
 * A catalogue value, the same from the DuckDB file and from the PostgreSQL copy: `boolean`; `number` for
 * TINYINT to INTEGER, FLOAT and DOUBLE; `string` for text, BIGINT, HUGEINT and DECIMAL (exact digits), DATE,
 * TIME, TIMESTAMP (`2024-12-31 00:00:00`, fraction when not zero; WITH TIME ZONE in UTC, `+00`), UUID and
 * BLOB (`\x` and hex digits); a JSON value for JSON and for every other type (lists, structs, maps, enums,
 * intervals), as DuckDB's `to_json` writes it. `null` for SQL NULL.
 */
export type CatalogueValue = JsonValue;

/** A catalogue row: every column of the file, in its order, by its name. */
export type CatalogueRow = Readonly<Record<string, CatalogueValue>>;

const EXACT: Readonly<Record<string, string>> = {
  BOOLEAN: "boolean",
  TINYINT: "smallint",
  UTINYINT: "smallint",
  SMALLINT: "smallint",
  USMALLINT: "integer",
  INTEGER: "integer",
  UINTEGER: "bigint",
  BIGINT: "bigint",
  UBIGINT: "numeric",
  HUGEINT: "numeric",
  UHUGEINT: "numeric",
  // FLOAT widens to double precision: the same number (a float4 read as a double) comes back from both sources.
  FLOAT: "double precision",
  DOUBLE: "double precision",
  VARCHAR: "text",
  // Nanoseconds have no PostgreSQL timestamp: the text keeps them.
  TIMESTAMP_NS: "text",
  DATE: "date",
  TIME: "time",
  TIMESTAMP: "timestamp",
  TIMESTAMP_MS: "timestamp",
  TIMESTAMP_S: "timestamp",
  "TIMESTAMP WITH TIME ZONE": "timestamptz",
  UUID: "uuid",
  BLOB: "bytea",
  JSON: "jsonb",
};

/** The PostgreSQL type a DuckDB column is copied into: an exact one when PostgreSQL has it, otherwise `jsonb`. */
export function postgresTypeOf(duckDbType: string): string {
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(duckDbType);
  if (decimal !== null) return `numeric(${decimal[1]},${decimal[2]})`;
  return EXACT[duckDbType] ?? "jsonb";
}

/** A catalogue column from its DuckDB name and type. */
export function catalogueColumn(name: string, duckDbType: string): CatalogueColumn {
  return Object.freeze({ name, duckDbType, postgresType: postgresTypeOf(duckDbType) });
}

/**
 * The DuckDB expression that reads `column` in the form the PostgreSQL copy gives back: a boolean, a number
 * for smallint, integer and double precision, else text (JSON text for jsonb).
 */
export function duckDbReadExpression(column: CatalogueColumn): string {
  const name = quoteIdentifier(column.name);
  switch (column.postgresType) {
    case "boolean":
      return name;
    case "smallint":
    case "integer":
      return `CAST(${name} AS INTEGER)`;
    case "double precision":
      return `CAST(${name} AS DOUBLE)`;
    case "bytea":
      return `'\\x' || lower(hex(${name}))`;
    case "jsonb":
      return column.duckDbType === "JSON" ? `CAST(${name} AS VARCHAR)` : `CAST(to_json(${name}) AS VARCHAR)`;
    default:
      return `CAST(${name} AS VARCHAR)`;
  }
}

/** The value of a cell read with {@link duckDbReadExpression}, as a {@link CatalogueValue}. */
export function catalogueValueOf(column: CatalogueColumn, cell: unknown): CatalogueValue {
  if (cell === null || cell === undefined) return null;
  if (column.postgresType === "jsonb") return JSON.parse(cell as string) as JsonValue;
  return cell as CatalogueValue;
}

/** PostgreSQL's `CREATE TABLE` column list for the copy. */
export function postgresColumnList(columns: readonly CatalogueColumn[]): string {
  return columns.map((column) => `${quoteIdentifier(column.name)} ${column.postgresType}`).join(", ");
}
