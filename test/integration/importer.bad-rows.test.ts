import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { importDuckDb } from "../../src/importer/index.ts";
import { createDuckDbFile, insertLetter, useScratchFolder } from "../support/duckdb-files.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const scratch = useScratchFolder();

// Letters 1 and 6 are good; 2 has a NUL in text, 3 has \u0000 inside JSON, 4 has NULL in a NOT NULL
// column, 5 has invalid JSON in a TEXT-typed column. Each bad letter has a product, a match and a debug
// step that must go with it; product 65 is an orphan (letter 999 does not exist), and match 70 belongs to it.
const BAD_SOURCE = [
  "ALTER TABLE letters ALTER COLUMN source_file_path DROP NOT NULL",
  "ALTER TABLE processing_debug ALTER COLUMN processing_step DROP NOT NULL",
  insertLetter(1),
  insertLetter(2, "document_title='a' || chr(0) || 'b'"),
  insertLetter(3, `raw_grok_json='{"a": "x\\u0000y"}'`),
  "INSERT INTO letters (id, document_name, source_file_path) VALUES (4, 'doc-4.pdf', NULL)",
  insertLetter(5, `validation_details_json='{"valid": NaN}'`),
  insertLetter(6),
  ...[1, 2, 3, 4, 5, 6].map((id) => `INSERT INTO letter_products (id, letter_id, range_label) VALUES (${id * 10}, ${id}, 'R${id}')`),
  ...[1, 2, 3, 4, 5, 6].map(
    (id) => `INSERT INTO letter_product_matches (id, letter_id, letter_product_id, ibcatalogue_product_identifier, match_confidence) VALUES (${id * 100}, ${id}, ${id * 10}, 'IB', 0.5)`,
  ),
  ...[1, 2, 3, 4, 5, 6].map((id) => `INSERT INTO processing_debug (id, letter_id, processing_step) VALUES (${id * 1000}, ${id}, 'ocr')`),
  "INSERT INTO letter_products (id, letter_id) VALUES (65, 999)",
  "INSERT INTO letter_product_matches (id, letter_id, letter_product_id, ibcatalogue_product_identifier, match_confidence) VALUES (70, 1, 65, 'IB', 0.5)",
  "INSERT INTO processing_debug (id, letter_id, processing_step) VALUES (7000, 1, NULL)",
];

const EXPECTED_REJECTS: [string, number, string, RegExp][] = [
  ["letters", 2, "document_title", /NUL character/],
  ["letters", 3, "raw_grok_json", /\\u0000/],
  ["letters", 4, "source_file_path", /NULL in a NOT NULL column/],
  ["letters", 5, "validation_details_json", /invalid JSON/],
  ["letter_products", 20, "letter_id", /parent letters id 2 was rejected/],
  ["letter_products", 30, "letter_id", /parent letters id 3 was rejected/],
  ["letter_products", 40, "letter_id", /parent letters id 4 was rejected/],
  ["letter_products", 50, "letter_id", /parent letters id 5 was rejected/],
  ["letter_products", 65, "letter_id", /parent letters id 999 does not exist/],
  ["letter_product_matches", 200, "letter_id,letter_product_id", /parent letters id 2 was rejected; its parent letter_products id 20 was rejected/],
  ["letter_product_matches", 300, "letter_id,letter_product_id", /parent letters id 3 was rejected; its parent letter_products id 30 was rejected/],
  ["letter_product_matches", 400, "letter_id,letter_product_id", /parent letters id 4 was rejected; its parent letter_products id 40 was rejected/],
  ["letter_product_matches", 500, "letter_id,letter_product_id", /parent letters id 5 was rejected; its parent letter_products id 50 was rejected/],
  ["letter_product_matches", 70, "letter_product_id", /parent letter_products id 65 was rejected/],
  ["processing_debug", 2000, "letter_id", /parent letters id 2 was rejected/],
  ["processing_debug", 3000, "letter_id", /parent letters id 3 was rejected/],
  ["processing_debug", 4000, "letter_id", /parent letters id 4 was rejected/],
  ["processing_debug", 5000, "letter_id", /parent letters id 5 was rejected/],
  ["processing_debug", 7000, "processing_step", /NULL in a NOT NULL column/],
];

async function snapshot() {
  return database.sql(
    "SELECT (SELECT json_agg(l ORDER BY id) FROM letters l) AS letters, (SELECT count(*)::int FROM letter_products) AS products, (SELECT count(*)::int FROM pg_indexes WHERE tablename = 'letters') AS indexes, (SELECT last_value FROM letters_id_seq) AS seq",
  );
}

describe("importDuckDb bad rows", () => {
  it("--on-error stop: reports every bad row with table, id, column and reason, and changes nothing", async () => {
    const file = await createDuckDbFile(scratch.path("bad-stop.duckdb"), BAD_SOURCE, "TEXT");
    await database.sql("INSERT INTO letters (id, document_name, source_file_path) VALUES (42, 'old.pdf', '/old.pdf')");
    const before = await snapshot();
    const summary = await importDuckDb({ from: file, databaseUrl: database.url, env: {}, replace: true });
    expect(summary.outcome).toBe("bad-rows");
    expect(summary.committed).toBe(false);
    expect(summary.rejectedTotal).toBe(EXPECTED_REJECTS.length);
    const found = [...summary.rejectedRows].map((row) => [row.table, row.id, row.problems.map((p) => p.column).join(","), row.problems.map((p) => p.reason).join("; ")]);
    expect(found).toEqual(EXPECTED_REJECTS.map(([table, id, column, reason]) => [table, id, column, expect.stringMatching(reason)]));
    expect(await snapshot()).toEqual(before);
    await database.sql("DELETE FROM letters");
  });

  it("--on-error skip: imports every other row, lists each rejected row with all its values, and verifies", async () => {
    const file = await createDuckDbFile(scratch.path("bad-skip.duckdb"), BAD_SOURCE, "TEXT");
    const rejectsFile = scratch.path("rejects.jsonl");
    const summary = await importDuckDb({ from: file, databaseUrl: database.url, env: {}, onError: "skip", rejectsFile });
    expect(summary.outcome).toBe("imported");
    expect(summary.verification?.ok).toBe(true);
    expect(summary.tables.map((t) => [t.table, t.rowsRead, t.imported, t.rejected])).toEqual([
      ["letters", 6, 2, 4],
      ["letter_products", 7, 2, 5],
      ["letter_product_matches", 7, 2, 5],
      ["processing_debug", 7, 2, 5],
    ]);
    const lines = readFileSync(rejectsFile, "utf8").trim().split("\n").map((line) => JSON.parse(line));
    expect(lines).toHaveLength(EXPECTED_REJECTS.length);
    expect(lines.map((line) => [line.table, line.id])).toEqual(EXPECTED_REJECTS.map(([table, id]) => [table, id]));
    expect(lines[0].row).toMatchObject({ id: 2, document_name: "doc-2.pdf", document_title: "a\u0000b", source_file_path: "/letters/2.pdf", raw_grok_json: null });
    expect(lines[1].row.raw_grok_json).toBe('{"a": "x\\u0000y"}');
    expect(lines[2].row.source_file_path).toBeNull();
    expect(lines[8].row).toMatchObject({ id: 65, letter_id: 999, confidence_score: 0, validation_status: "validated" });
    const ids = await database.sql("SELECT (SELECT array_agg(id ORDER BY id) FROM letters) AS l, (SELECT array_agg(id ORDER BY id) FROM letter_products) AS p, (SELECT array_agg(id ORDER BY id) FROM letter_product_matches) AS m, (SELECT array_agg(id ORDER BY id) FROM processing_debug) AS d");
    expect(ids).toEqual([{ l: [1, 6], p: [10, 60], m: [100, 600], d: [1000, 6000] }]);
  });
});
