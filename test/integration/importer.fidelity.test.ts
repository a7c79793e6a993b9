import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { importDuckDb } from "../../src/importer/index.ts";
import { createDuckDbFile, insertLetter, useScratchFolder } from "../support/duckdb-files.ts";
import { JSON_DOCUMENTS, REALS, TEXTS, TIMESTAMPS } from "../support/fidelity-values.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const scratch = useScratchFolder();
let fileCount = 0;

/** Imports a fresh DuckDB file built from `statements` into the emptied test database. */
async function importStatements(statements: string[], jsonType: "JSON" | "TEXT" = "JSON") {
  const file = await createDuckDbFile(scratch.path(`f${fileCount++}.duckdb`), statements, jsonType);
  await database.sql("TRUNCATE letters, letter_products, letter_product_matches, processing_debug");
  const summary = await importDuckDb({ from: file, databaseUrl: database.url, env: {} });
  expect(summary.outcome, JSON.stringify(summary.rejectedRows)).toBe("imported");
  expect(summary.verification?.ok, JSON.stringify(summary.verification?.differences)).toBe(true);
  return summary;
}

describe("importDuckDb fidelity: text", () => {
  it("keeps control characters, backslashes, the literal \\N, quotes, delimiters, empty strings and non-BMP Unicode exactly", async () => {
    await importStatements([...TEXTS.map(([, expression], index) => insertLetter(index + 1, `document_title=${expression}`)), insertLetter(99)]);
    const duck = await import("@duckdb/node-api");
    const instance = await duck.DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const expected = (await connection.runAndReadAll(`SELECT ${TEXTS.map(([, expression]) => expression).join(", ")}`)).getRowsJS()[0];
    connection.closeSync();
    instance.closeSync();
    const rows = await database.sql<{ document_title: string | null }>("SELECT document_title FROM letters ORDER BY id");
    expect(rows.map((row) => row.document_title)).toEqual([...(expected as string[]), null]);
    expect(TEXTS.map(([name]) => name)).toHaveLength(6);
  });

  it("keeps a 3 MB value and NULL distinct from the empty string", async () => {
    await importStatements([
      insertLetter(1),
      `INSERT INTO letter_products (id, letter_id, product_description, range_label, product_line) VALUES (1, 1, repeat('ü😀x', 400000), '', NULL)`,
    ]);
    const [row] = await database.sql("SELECT md5(product_description) AS md5, octet_length(product_description) AS bytes, range_label, product_line FROM letter_products");
    const expected = "ü😀x".repeat(400_000);
    expect(row).toEqual({ md5: createHash("md5").update(expected).digest("hex"), bytes: Buffer.byteLength(expected), range_label: "", product_line: null });
  });
});

describe.each(["JSON", "TEXT"] as const)("importDuckDb fidelity: JSON held as %s in DuckDB", (jsonType) => {
  it("keeps SQL NULL, JSON null, scalars, big numbers, duplicate keys, deep nesting, large documents as jsonb of the same value", async () => {
    const literal = (document: string | null) => (document === null ? "NULL" : `'${document.replace(/'/g, "''")}'`);
    await importStatements(JSON_DOCUMENTS.map(([, document], index) => insertLetter(index + 1, `raw_grok_json=${literal(document)}`)), jsonType);
    const rows = await database.sql<{ is_null: boolean; same: boolean | null }>(
      "SELECT l.raw_grok_json IS NULL AS is_null, l.raw_grok_json = (d.doc)::jsonb AS same FROM letters l JOIN unnest($1::text[]) WITH ORDINALITY AS d(doc, n) ON d.n = l.id ORDER BY l.id",
      [JSON_DOCUMENTS.map(([, document]) => document)],
    );
    expect(rows).toEqual(JSON_DOCUMENTS.map(([, document]) => (document === null ? { is_null: true, same: null } : { is_null: false, same: true })));
    const [nullKind] = await database.sql("SELECT jsonb_typeof(raw_grok_json) AS kind FROM letters WHERE id = 2");
    expect(nullKind).toEqual({ kind: "null" });
  });
});

describe("importDuckDb fidelity: REAL bit for bit", () => {
  it("keeps every REAL's bits", async () => {
    await importStatements(REALS.map(([, expression], index) => insertLetter(index + 1, `extraction_confidence=${expression}`)));
    const rows = await database.sql<{ bits: string }>("SELECT encode(float4send(extraction_confidence), 'hex') AS bits FROM letters ORDER BY id");
    expect(rows.map((row) => row.bits)).toEqual(REALS.map(([, , bits]) => bits));
  });
});

describe("importDuckDb fidelity: TIMESTAMP to the microsecond", () => {
  it("keeps every timestamp, before 1970, at year 9999 and infinite", async () => {
    await importStatements(TIMESTAMPS.map(([value], index) => insertLetter(index + 1, `created_at=TIMESTAMP '${value}'`)));
    const rows = await database.sql<{ text: string }>("SELECT created_at::text AS text FROM letters ORDER BY id");
    expect(rows.map((row) => row.text)).toEqual(TIMESTAMPS.map(([, text]) => text));
  });
});

describe("importDuckDb fidelity: ids", () => {
  it("keeps ids with gaps and moves every sequence above the largest", async () => {
    await importStatements([
      insertLetter(3),
      insertLetter(70_000),
      insertLetter(1_000_000),
      "INSERT INTO letter_products (id, letter_id) VALUES (9, 3), (500, 1000000)",
      "INSERT INTO letter_product_matches (id, letter_id, letter_product_id, ibcatalogue_product_identifier, match_confidence) VALUES (77, 3, 9, 'IB-1', 0.5)",
      "INSERT INTO processing_debug (id, letter_id, processing_step) VALUES (12345, 70000, 'ocr')",
    ]);
    expect((await database.sql("SELECT id FROM letters ORDER BY id")).map((row) => row.id)).toEqual([3, 70_000, 1_000_000]);
    const [next] = await database.sql(
      "SELECT nextval('letters_id_seq')::int AS l, nextval('letter_products_id_seq')::int AS p, nextval('letter_product_matches_id_seq')::int AS m, nextval('processing_debug_id_seq')::int AS d",
    );
    expect(next).toEqual({ l: 1_000_001, p: 501, m: 78, d: 12_346 });
  });
});
