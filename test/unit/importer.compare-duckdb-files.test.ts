import { describe, expect, it } from "vitest";
import { compareDuckDbFiles } from "../../src/importer/compare-duckdb-files.ts";
import { createDuckDbFile, insertLetter, useScratchFolder } from "../support/duckdb-files.ts";

const scratch = useScratchFolder();
let files = 0;

/** Two files of the pipeline's shape: the same base rows, then each side's own statements. */
const BASE = [
  `INSERT INTO letters (id, document_name, source_file_path, created_at, updated_at) VALUES
     (1, 'a.pdf', '/a.pdf', TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-02'), (2, 'b.pdf', '/b.pdf', TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-02')`,
];

async function pair(source: string[], copy: string[], base: string[] = BASE) {
  const left = await createDuckDbFile(scratch.path(`s${files}.duckdb`), [...base, ...source]);
  const right = await createDuckDbFile(scratch.path(`c${files++}.duckdb`), [...base, ...copy]);
  return compareDuckDbFiles(left, right);
}

describe("compareDuckDbFiles", () => {
  it("finds identical files identical, JSON compared as jsonb values (key order, spacing, duplicate keys, number spelling)", async () => {
    const result = await pair(
      [`UPDATE letters SET raw_grok_json = '{"b": 1, "a": [1E2, 1.50], "b": 2}', extraction_confidence = 'NaN'::REAL WHERE id = 1`],
      [`UPDATE letters SET raw_grok_json = '{"a":[100,1.50],"b":2}', extraction_confidence = 'NaN'::REAL WHERE id = 1`],
    );
    expect(result).toMatchObject({ identical: true, differences: [], differenceCount: 0 });
    expect(result.tables.map((table) => [table.table, table.sourceRows, table.copyRows])).toEqual([
      ["letters", 2, 2],
      ["letter_products", 0, 0],
      ["letter_product_matches", 0, 0],
      ["processing_debug", 0, 0],
    ]);
  });

  it("reports each differing cell, -0 against 0, NULL against '', JSON null against SQL NULL, a microsecond, a missing and an extra row", async () => {
    const result = await pair(
      [
        "UPDATE letters SET extraction_confidence = '-0'::REAL, document_title = NULL, raw_grok_json = 'null', created_at = TIMESTAMP '1969-12-31 23:59:59.999999' WHERE id = 1",
        `UPDATE letters SET raw_grok_json = '{"a": 1.50}' WHERE id = 2`,
        insertLetter(3),
      ],
      [
        "UPDATE letters SET extraction_confidence = 0::REAL, document_title = '', raw_grok_json = NULL, created_at = TIMESTAMP '1969-12-31 23:59:59.999998' WHERE id = 1",
        `UPDATE letters SET raw_grok_json = '{"a": 1.5}' WHERE id = 2`,
        insertLetter(4),
      ],
    );
    expect(result.identical).toBe(false);
    expect(result.differences).toEqual([
      'letters id 1 document_title: NULL in the source, "" in the copy',
      'letters id 1 extraction_confidence: "-0.0" in the source, "0.0" in the copy',
      'letters id 1 created_at: "1969-12-31 23:59:59.999999" in the source, "1969-12-31 23:59:59.999998" in the copy',
      'letters id 1 raw_grok_json: JSON "null" in the source, NULL in the copy (not the same jsonb value)',
      'letters id 2 raw_grok_json: JSON "{\\"a\\": 1.50}" in the source, "{\\"a\\": 1.5}" in the copy (not the same jsonb value)',
      "letters id 3: missing from the copy",
      "letters id 4: only in the copy",
    ]);
    expect(result.tables[0]).toMatchObject({ table: "letters", differingRows: 4 });
  });

  it("reports a column one side lacks", async () => {
    const result = await pair(["ALTER TABLE letters ADD COLUMN extra TEXT"], []);
    expect(result.differences).toEqual(["letters.extra: column missing from the copy"]);
  });
});
