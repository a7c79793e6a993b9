import { DuckDBInstance } from "@duckdb/node-api";

/**
 * The IBcatalogue's columns, with extra columns of types the code was never told about (decimal, bigint,
 * list, struct, JSON, date, timestamp with time zone, boolean, blob, uuid, float, enum-like, map), which
 * must all be passed through.
 */
export const CATALOGUE_TABLE_SQL = `CREATE TABLE products (
  PRODUCT_IDENTIFIER VARCHAR, PRODUCT_DESCRIPTION VARCHAR, RANGE_LABEL VARCHAR, SUBRANGE_LABEL VARCHAR,
  COMMERCIAL_STATUS VARCHAR, END_OF_PRODUCTION_DATE TIMESTAMP, AVERAGE_LIFE_DURATION_IN_YEARS DOUBLE,
  PRICE DECIMAL(10,2), STOCK BIGINT, TAGS VARCHAR[], DIMENSIONS STRUCT(width INTEGER, unit VARCHAR), SPECS JSON,
  LAUNCHED DATE, UPDATED_AT TIMESTAMPTZ, SERVICEABLE BOOLEAN, PICTURE BLOB, GUID UUID, WEIGHT FLOAT, RATING TINYINT,
  ATTRIBUTES MAP(VARCHAR, INTEGER))`;

/** One catalogue row as SQL values, from a few fields; the rest derived from `n`. */
export function catalogueRow(identifier: string | null, description: string, range: string, subrange: string | null, n: number): string {
  const text = (value: string | null) => (value === null ? "NULL" : `'${value.replace(/'/g, "''")}'`);
  return `(${text(identifier)}, ${text(description)}, ${text(range)}, ${text(subrange)}, '08-Commercialised',
    TIMESTAMP '2024-12-31 00:00:00' + INTERVAL ${n} SECOND + INTERVAL ${n * 1000} MICROSECOND, ${n + 0.25},
    ${n}.5, ${9_007_199_254_740_993n + BigInt(n)}, ['tag-${n}', 'x\ty'], {'width': ${n}, 'unit': 'mm'}, '{"poles": ${n}, "ok": true, "nested": [1, {"a": null}]}',
    DATE '2020-01-01' + ${n}, TIMESTAMPTZ '2024-06-01 12:00:00.5+02', ${n % 2 === 0}, '\\x01\\xAB'::BLOB,
    '6f1c2a3e-0000-4000-8000-00000000000${n % 10}', ${n}.1::FLOAT, ${n % 100}, MAP {'a': ${n}})`;
}

/** Writes a catalogue file with the given statements after the table's creation. */
export async function createCatalogueFile(path: string, statements: readonly string[], tableSql = CATALOGUE_TABLE_SQL): Promise<string> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    await connection.run(tableSql);
    for (const statement of statements) await connection.run(statement);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return path;
}

/** An INSERT of the given rows into `products`. */
export const insertProducts = (rows: readonly string[]): string => `INSERT INTO products VALUES ${rows.join(", ")}`;
