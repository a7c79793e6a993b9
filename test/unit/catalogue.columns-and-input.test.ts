import { describe, expect, it } from "vitest";
import { catalogueColumn, catalogueValueOf, duckDbReadExpression, postgresTypeOf } from "../../src/catalogue/catalogue-columns.ts";
import { checkIdentifiers, checkRangeInput, checkSearchInput, lookupResult } from "../../src/catalogue/catalogue-input.ts";
import { CATALOGUE_DEFAULTS, resolveColumnNames } from "../../src/catalogue/catalogue-options.ts";
import { copyTextLine } from "../../src/catalogue/copy-text.ts";
import { SYNC_DEFAULTS } from "../../src/catalogue/sync-options.ts";

describe("catalogue columns", () => {
  it("maps each DuckDB type to the nearest exact PostgreSQL type, and anything else to jsonb", () => {
    const mapped = Object.fromEntries(
      ["BOOLEAN", "TINYINT", "UTINYINT", "SMALLINT", "USMALLINT", "INTEGER", "UINTEGER", "BIGINT", "UBIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL(18,3)",
        "VARCHAR", "DATE", "TIME", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_NS", "TIMESTAMP WITH TIME ZONE", "UUID", "BLOB", "JSON",
        "VARCHAR[]", "STRUCT(a INTEGER)", "MAP(VARCHAR, INTEGER)", "INTERVAL", "ENUM('a', 'b')", "BIT"].map((type) => [type, postgresTypeOf(type)]),
    );
    expect(mapped).toEqual({
      BOOLEAN: "boolean", TINYINT: "smallint", UTINYINT: "smallint", SMALLINT: "smallint", USMALLINT: "integer", INTEGER: "integer",
      UINTEGER: "bigint", BIGINT: "bigint", UBIGINT: "numeric", HUGEINT: "numeric", FLOAT: "double precision", DOUBLE: "double precision",
      "DECIMAL(18,3)": "numeric(18,3)", VARCHAR: "text", DATE: "date", TIME: "time", TIMESTAMP: "timestamp", TIMESTAMP_S: "timestamp",
      TIMESTAMP_NS: "text", "TIMESTAMP WITH TIME ZONE": "timestamptz", UUID: "uuid", BLOB: "bytea", JSON: "jsonb",
      "VARCHAR[]": "jsonb", "STRUCT(a INTEGER)": "jsonb", "MAP(VARCHAR, INTEGER)": "jsonb", INTERVAL: "jsonb", "ENUM('a', 'b')": "jsonb", BIT: "jsonb",
    });
  });

  it("reads each column in the form PostgreSQL gives back, quoting its name", () => {
    expect(duckDbReadExpression(catalogueColumn('odd "name"', "VARCHAR"))).toBe('CAST("odd ""name""" AS VARCHAR)');
    expect(duckDbReadExpression(catalogueColumn("n", "TINYINT"))).toBe('CAST("n" AS INTEGER)');
    expect(duckDbReadExpression(catalogueColumn("f", "FLOAT"))).toBe('CAST("f" AS DOUBLE)');
    expect(duckDbReadExpression(catalogueColumn("j", "JSON"))).toBe('CAST("j" AS VARCHAR)');
    expect(duckDbReadExpression(catalogueColumn("l", "INTEGER[]"))).toBe('CAST(to_json("l") AS VARCHAR)');
    expect(catalogueValueOf(catalogueColumn("l", "INTEGER[]"), "[1,2]")).toEqual([1, 2]);
    expect(catalogueValueOf(catalogueColumn("l", "INTEGER[]"), null)).toBeNull();
  });

  it("writes COPY text lines with NULLs, booleans, exact numbers and escaped text", () => {
    const columns = ["a", "b", "c", "d", "e"].map((name) => catalogueColumn(name, "VARCHAR"));
    expect(copyTextLine(columns, [null, true, 0.1, "tab\there\nline\\back\rcr", Number.NaN])).toBe("\\N\tt\t0.1\ttab\\there\\nline\\\\back\\rcr\tNaN\n");
    expect(copyTextLine(columns.slice(0, 2), [-Infinity, false])).toBe("-Infinity\tf\n");
  });
});

describe("catalogue input and defaults", () => {
  it("documents its defaults, and the IBcatalogue's column names", () => {
    expect(CATALOGUE_DEFAULTS).toMatchObject({ table: "products", postgresTable: "ibcatalogue_products", lockWaitMs: 2000, searchLimit: 20, rangeLimit: 1000, maxLimit: 10_000 });
    expect(resolveColumnNames()).toEqual({ identifier: "PRODUCT_IDENTIFIER", range: "RANGE_LABEL", subrange: "SUBRANGE_LABEL", description: "PRODUCT_DESCRIPTION" });
    expect(resolveColumnNames({ identifier: "REF" })).toMatchObject({ identifier: "REF", range: "RANGE_LABEL" });
    expect(SYNC_DEFAULTS).toMatchObject({ onDuplicate: "error", onNull: "error" });
  });

  it("refuses bad input with a ValidationError naming each field", () => {
    expect(() => checkIdentifiers(["A", 3 as unknown as string])).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED", issues: [{ path: "identifiers.1", message: "must be a string" }] }));
    expect(() => checkIdentifiers("A" as unknown as string[])).toThrow(/identifiers: must be an array/);
    expect(() => checkRangeInput({ rangeLabel: 1 as unknown as string, limit: 0 })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: "rangeLabel" }), expect.objectContaining({ path: "limit" })] }));
    expect(() => checkSearchInput({ term: "  " })).toThrow(/term: must be a non-blank string/);
    expect(checkRangeInput({ rangeLabel: "TeSys D" })).toEqual({ rangeLabel: "TeSys D", subrangeLabel: undefined, limit: 1000 });
  });

  it("turns a search term into LIKE patterns in which %, _ and \\ are plain characters", () => {
    expect(checkSearchInput({ term: "100%_a\\b" })).toEqual({ prefix: "100\\%\\_a\\\\b%", contains: "%100\\%\\_a\\\\b%", limit: 20 });
  });

  it("answers a lookup in the order asked, duplicates kept, each unknown identifier listed once", () => {
    expect(lookupResult(["b", "x", "a", "b", "x"], new Map([["a", 1], ["b", 2]]))).toEqual({
      items: [{ identifier: "b", product: 2 }, { identifier: "x", product: null }, { identifier: "a", product: 1 }, { identifier: "b", product: 2 }, { identifier: "x", product: null }],
      missing: ["x"],
    });
  });
});
