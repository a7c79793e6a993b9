import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { createSampleLettersDuckDb } from "../../src/importer/sample-letters-duckdb.ts";
import { useScratchFolder } from "../support/duckdb-files.ts";

const scratch = useScratchFolder();

describe("createSampleLettersDuckDb", () => {
  it("positions each id sequence after the ids it wrote, so the pipeline's next insert takes a new id", async () => {
    const file = scratch.path("sample.duckdb");
    await createSampleLettersDuckDb(file, { letters: 30, productsPerLetter: 2, debugStepsPerLetter: 3 });
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    try {
      const rows = await connection.runAndReadAll(`
        INSERT INTO letters (document_name, source_file_path) VALUES ('new.pdf', '/new.pdf');
        INSERT INTO letter_products (letter_id) VALUES (31);
        INSERT INTO letter_product_matches (letter_id, letter_product_id, ibcatalogue_product_identifier, match_confidence) VALUES (31, 61, 'IB', 1);
        INSERT INTO processing_debug (letter_id, processing_step) VALUES (31, 'ocr');
        SELECT (SELECT max(id) FROM letters), (SELECT max(id) FROM letter_products), (SELECT max(id) FROM letter_product_matches), (SELECT max(id) FROM processing_debug)`);
      expect(rows.getRowsJS()).toEqual([[31, 61, 61, 91]]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
