import { describe, expect, it } from "vitest";
import { openDuckDbSource } from "../../src/importer/duckdb-source.ts";
import { createDuckDbFile, useScratchFolder } from "../support/duckdb-files.ts";

const scratch = useScratchFolder();

// The importer skips its duplicate-id scan for tables DuckDB itself keeps unique on id: only a PRIMARY KEY
// or UNIQUE constraint on id alone counts.
describe("openDuckDbSource: uniqueIdTables", () => {
  it("lists the tables with a PRIMARY KEY or UNIQUE constraint on id alone, and only those", async () => {
    const file = await createDuckDbFile(scratch.path("constraints.duckdb"), [
      "CREATE TABLE extra_unique (id INTEGER UNIQUE, x INTEGER)",
      "CREATE TABLE extra_composite (id INTEGER, x INTEGER, PRIMARY KEY (id, x))",
      "CREATE TABLE extra_plain (id INTEGER, x INTEGER)",
      "CREATE TABLE extra_other_key (id INTEGER, x INTEGER PRIMARY KEY)",
    ]);
    const source = await openDuckDbSource(file);
    try {
      expect([...source.uniqueIdTables].sort()).toEqual(["extra_unique", "letter_product_matches", "letter_products", "letters", "processing_debug"]);
    } finally {
      source.close();
    }
  });
});
