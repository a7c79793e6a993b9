import { loadDuckDb, type SUPPORTED_DUCKDB } from "./duckdb-module.ts";
import type { ImportTable } from "./import-tables.ts";
import { SAMPLE_PRODUCTS, WITHDRAWN_SAMPLE_IDENTIFIERS } from "./sample-products.ts";

/** Options of {@link createSampleLettersDuckDb}. */
export interface SampleLettersOptions {
  /** Number of letters. Defaults to `200`. */
  letters?: number;
  /** Products per letter; each product gets one catalogue match. Defaults to `5`. */
  productsPerLetter?: number;
  /** Processing-debug steps per letter. Defaults to `4`. */
  debugStepsPerLetter?: number;
  /** DuckDB type of the four JSON columns: `JSON` (as the pipeline declares them) or plain `TEXT`. Defaults to `"JSON"`. */
  jsonType?: "JSON" | "TEXT";
}

/**
 * The four tables as the SE Letters pipeline declares them in DuckDB (`data/letters.duckdb`): integer ids
 * from sequences, REAL scores, TIMESTAMP columns and JSON documents, primary keys on `id` and no foreign
 * keys. The one description of that shape: sample files, test files and `exportToDuckDb` all create it here.
 * `sequenceStarts` gives each id sequence's first value (DuckDB has no `setval`, so a sequence is positioned
 * when it is created); each defaults to 1.
 */
export function sourceSchemaSql(jsonType: "JSON" | "TEXT" = "JSON", sequenceStarts: Partial<Readonly<Record<ImportTable, number>>> = {}): string {
  const start = (table: ImportTable): number => sequenceStarts[table] ?? 1;
  return `
CREATE SEQUENCE IF NOT EXISTS letters_id_seq START ${start("letters")};
CREATE SEQUENCE IF NOT EXISTS letter_products_id_seq START ${start("letter_products")};
CREATE SEQUENCE IF NOT EXISTS letter_product_matches_id_seq START ${start("letter_product_matches")};
CREATE SEQUENCE IF NOT EXISTS processing_debug_id_seq START ${start("processing_debug")};
CREATE TABLE letters (
  id INTEGER PRIMARY KEY DEFAULT nextval('letters_id_seq'),
  document_name TEXT NOT NULL, document_type TEXT, document_title TEXT, source_file_path TEXT NOT NULL,
  file_size INTEGER, file_hash TEXT, processing_method TEXT DEFAULT 'production_pipeline',
  processing_time_ms REAL, extraction_confidence REAL,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  status TEXT DEFAULT 'processed',
  raw_grok_json ${jsonType}, ocr_supplementary_json ${jsonType}, processing_steps_json ${jsonType}, validation_details_json ${jsonType});
CREATE TABLE letter_products (
  id INTEGER PRIMARY KEY DEFAULT nextval('letter_products_id_seq'),
  letter_id INTEGER NOT NULL, product_identifier TEXT, range_label TEXT, subrange_label TEXT, product_line TEXT,
  product_description TEXT, obsolescence_status TEXT, end_of_service_date TEXT, replacement_suggestions TEXT,
  confidence_score REAL DEFAULT 0.0, validation_status TEXT DEFAULT 'validated');
CREATE TABLE letter_product_matches (
  id INTEGER PRIMARY KEY DEFAULT nextval('letter_product_matches_id_seq'),
  letter_id INTEGER NOT NULL, letter_product_id INTEGER NOT NULL, ibcatalogue_product_identifier TEXT NOT NULL,
  match_confidence REAL NOT NULL, match_reason TEXT, technical_match_score REAL DEFAULT 0.0,
  nomenclature_match_score REAL DEFAULT 0.0, product_line_match_score REAL DEFAULT 0.0, match_type TEXT,
  range_based_matching BOOLEAN DEFAULT FALSE, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE processing_debug (
  id INTEGER PRIMARY KEY DEFAULT nextval('processing_debug_id_seq'),
  letter_id INTEGER NOT NULL, processing_step TEXT NOT NULL, step_timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  step_duration_ms REAL, step_success BOOLEAN DEFAULT TRUE, step_details TEXT, error_message TEXT);
`;
}

// Range names weighted like real letters: a few ranges appear in many letters, most in few.
const RANGES = [
  "TeSys D", "Altivar 31", "Modicon M340", "Compact NSX", "Acti9 iC60", "Masterpact NT", "Sepam 20", "Zelio Relay",
  "Phaseo ABL8", "Harmony XB5", "Vigi NG125", "PowerLogic PM5000", "SM6", "RM6", "Galaxy 3500", "Altivar 71",
  "Modicon Premium", "Twido", "Magelis XBT", "Preventa XPS", "Osisense XS", "TeSys GV2", "Multi 9 C60", "Evolis",
];
const PRODUCT_LINES = ["PPIBS", "IDPAS", "IDIBS", "PSIBS", "SPIBS", "DPIBS"];
const STEPS = ["pdf_ocr", "grok_extraction", "product_matching", "validation"];
const sqlList = (values: readonly string[]): string => `[${values.map((value) => `'${value}'`).join(", ")}]`;

/**
 * Writes a realistic SE Letters DuckDB file at `path` (which must not exist): letters with titles, paths
 * and hashes, skewed range labels, rare product identifiers, catalogue matches (Schneider references of the
 * sample catalogue, one in 17 a withdrawn reference it lacks), debug steps, and JSON documents. Values are
 * derived from the row number, so the same options give the same data.
 *
 * @throws {ImportSourceError} when `@duckdb/node-api` is missing or not of the supported line ({@link SUPPORTED_DUCKDB}).
 */
export async function createSampleLettersDuckDb(path: string, options: SampleLettersOptions = {}): Promise<void> {
  const letters = options.letters ?? 200;
  const products = options.productsPerLetter ?? 5;
  const steps = options.debugStepsPerLetter ?? 4;
  const ranges = `[${RANGES.map((name) => `'${name}'`).join(", ")}]`;
  const lines = `[${PRODUCT_LINES.map((name) => `'${name}'`).join(", ")}]`;
  const stepNames = `[${STEPS.map((name) => `'${name}'`).join(", ")}]`;
  // Skewed pick: the cube of a uniform value in [0, 1) favours the first entries.
  const skewed = (list: string, count: number, seed: string) =>
    `${list}[1 + floor(pow((hash(${seed}) % 1000000) / 1000000.0, 3) * ${count})::INTEGER]`;

  const { DuckDBInstance } = await loadDuckDb(path);
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    // Each id sequence starts after the ids written below, as the pipeline's would be after writing them.
    const starts = { letters: letters + 1, letter_products: letters * products + 1, letter_product_matches: letters * products + 1, processing_debug: letters * steps + 1 };
    await connection.run(sourceSchemaSql(options.jsonType ?? "JSON", starts));
    await connection.run(`
INSERT INTO letters
SELECT i AS id,
  'PWP_Notice_' || ${skewed(ranges, RANGES.length, "i")} .replace(' ', '_') || '_' || (2012 + i % 12) || '_' || i || '.pdf',
  CASE WHEN i % 7 = 0 THEN 'Product Withdrawal Notice' ELSE 'Obsolescence Letter' END,
  'End of commercialisation of ' || ${skewed(ranges, RANGES.length, "i")} || ' range (' || (2012 + i % 12) || ')',
  '/data/letters/' || (2012 + i % 12) || '/' || ${skewed(lines, PRODUCT_LINES.length, "i * 3")} || '/' || substr(md5(i::VARCHAR), 1, 12) || '.pdf',
  (100000 + hash(i, 'size') % 4000000)::INTEGER,
  md5('file-' || (CASE WHEN i % 50 = 0 THEN i - 1 ELSE i END)::VARCHAR),
  'production_pipeline',
  (800 + hash(i, 'time') % 60000)::REAL / 1.0,
  ((hash(i, 'conf') % 1000) / 1000.0)::REAL,
  TIMESTAMP '2023-01-01 00:00:00' + to_microseconds((i::BIGINT * 7919 % 31536000000) * 1000),
  TIMESTAMP '2023-01-01 00:00:00' + to_microseconds((i::BIGINT * 7919 % 31536000000) * 1000 + 1234567),
  CASE WHEN i % 40 = 0 THEN 'failed' WHEN i % 97 = 0 THEN 'processing' ELSE 'processed' END,
  json_object('document_information', json_object('document_type', 'obsolescence_letter', 'language', CASE WHEN i % 3 = 0 THEN 'fr' ELSE 'en' END),
              'product_ranges', json_array(${skewed(ranges, RANGES.length, "i")}),
              'confidence', ((hash(i, 'conf') % 1000) / 1000.0))::${options.jsonType ?? "JSON"},
  CASE WHEN i % 5 = 0 THEN NULL ELSE json_object('pages', 1 + i % 6, 'ocr_engine', 'tesseract')::${options.jsonType ?? "JSON"} END,
  json_array('pdf_ocr', 'grok_extraction', 'product_matching', 'validation')::${options.jsonType ?? "JSON"},
  json_object('valid', i % 11 <> 0, 'warnings', json_array())::${options.jsonType ?? "JSON"}
FROM range(1, ${letters + 1}) t(i);`);
    await connection.run(`
INSERT INTO letter_products
SELECT (l - 1) * ${products} + p AS id, l,
  CASE WHEN p % 4 = 0 THEN NULL ELSE upper(substr(md5((l * 31 + p)::VARCHAR), 1, 3)) || lpad(((l * 131 + p * 17) % 100000)::VARCHAR, 5, '0') END,
  ${skewed(ranges, RANGES.length, "l * 7 + p % 2")},
  CASE WHEN p % 3 = 0 THEN NULL ELSE 'Sub-range ' || (p % 3) END,
  ${skewed(lines, PRODUCT_LINES.length, "l * 5 + p")},
  'Contactor ' || p || ' for ' || ${skewed(ranges, RANGES.length, "l * 7 + p % 2")},
  CASE WHEN l % 9 = 0 THEN 'end_of_service' ELSE 'end_of_commercialisation' END,
  (2024 + l % 6)::VARCHAR || '-12-31',
  CASE WHEN p % 2 = 0 THEN 'See ' || ${skewed(ranges, RANGES.length, "l + p")} ELSE NULL END,
  ((hash(l, p, 'pc') % 1000) / 1000.0)::REAL,
  CASE WHEN l % 13 = 0 THEN 'needs_review' ELSE 'validated' END
FROM range(1, ${letters + 1}) a(l), range(1, ${products + 1}) b(p);`);
    await connection.run(`
INSERT INTO letter_product_matches
SELECT id, letter_id, id,
  CASE WHEN id % 17 = 0 THEN ${sqlList(WITHDRAWN_SAMPLE_IDENTIFIERS)}[1 + (hash(id, 'wd') % ${WITHDRAWN_SAMPLE_IDENTIFIERS.length})::INTEGER]
       ELSE ${sqlList(SAMPLE_PRODUCTS.map((product) => product.identifier))}[1 + (hash(id, 'ib') % ${SAMPLE_PRODUCTS.length})::INTEGER] END,
  (0.5 + (hash(id, 'mc') % 500) / 1000.0)::REAL,
  CASE WHEN id % 3 = 0 THEN 'range match' ELSE 'exact identifier' END,
  ((hash(id, 't') % 1000) / 1000.0)::REAL, ((hash(id, 'n') % 1000) / 1000.0)::REAL, ((hash(id, 'l') % 1000) / 1000.0)::REAL,
  CASE WHEN id % 3 = 0 THEN 'range' ELSE 'exact' END, id % 3 = 0,
  TIMESTAMP '2023-06-01 00:00:00' + to_microseconds(id::BIGINT * 1000003)
FROM letter_products;`);
    await connection.run(`
INSERT INTO processing_debug
SELECT (l - 1) * ${steps} + s, l, ${stepNames}[1 + (s - 1) % 4],
  TIMESTAMP '2023-01-01 00:00:00' + to_microseconds(l::BIGINT * 1000000 + s * 1000),
  ((hash(l, s, 'd') % 50000) / 10.0)::REAL, NOT (l % 40 = 0 AND s = ${steps}),
  'step ' || s || ' of letter ' || l,
  CASE WHEN l % 40 = 0 AND s = ${steps} THEN 'validation failed: confidence below threshold' ELSE NULL END
FROM range(1, ${letters + 1}) a(l), range(1, ${steps + 1}) b(s);`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
