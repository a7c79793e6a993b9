import { readFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { importDuckDb } from "../../src/importer/index.ts";
import type { RejectsFileLine } from "../../src/importer/rejects-file.ts";
import { sourceSchemaSql } from "../../src/importer/sample-letters-duckdb.ts";
import { useScratchFolder } from "../support/duckdb-files.ts";
import { anyCodeUnits, DUCKDB_MAX_MICROS, DUCKDB_MIN_MICROS } from "../support/hostile-values.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const scratch = useScratchFolder();

// PostgreSQL's earliest timestamp (4714-11-24 BC) in microseconds since 1970.
const PG_MIN_MICROS = -211_813_488_000_000_000n + 946_684_800_000_000n;

/** A source timestamp: microseconds since 1970, or DuckDB's infinities. */
type SourceTimestamp = bigint | "infinity" | "-infinity";

interface SourceLetter {
  documentName: string | null;
  documentTitle: string | null;
  fileSize: number | null;
  processingTimeMs: number | null;
  createdAt: SourceTimestamp | null;
  rawGrokJson: string | null;
  /** One debug step of the letter: a boolean, a REAL and a timestamp of its own. */
  step: { processingStep: string | null; stepSuccess: boolean | null; stepDurationMs: number | null; stepTimestamp: SourceTimestamp | null };
}

/** Text DuckDB holds: any well-formed string, NUL included (PostgreSQL refuses NUL). */
const sourceText = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
  fc.string({ maxLength: 20 }),
  fc.tuple(fc.string({ maxLength: 5 }), fc.string({ unit: "binary", maxLength: 5 })).map(([before, after]) => `${before}\u0000${after}`),
  fc.constantFrom("", "\\N", "\\", "\t\r\n", '"', "'", "😀".repeat(3000)),
);

/** Any float4, NaN, ±Infinity, -0 and subnormals included. */
const sourceReal = fc.oneof(fc.float(), fc.constantFrom(-0, Number.NaN, Infinity, -Infinity, 1.401298464324817e-45, 3.4028234663852886e38, 2 ** -126));

const sourceTimestamp: fc.Arbitrary<SourceTimestamp> = fc.oneof(
  fc.bigInt({ min: DUCKDB_MIN_MICROS, max: DUCKDB_MAX_MICROS }),
  fc.bigInt({ min: -62_135_596_800_000_000n, max: 253_402_300_799_999_999n }),
  fc.constantFrom<SourceTimestamp>(DUCKDB_MIN_MICROS, DUCKDB_MAX_MICROS, PG_MIN_MICROS - 1n, PG_MIN_MICROS, -1n, 0n, "infinity", "-infinity"),
);

/** JSON texts: well-formed documents of every shape, and texts PostgreSQL's jsonb refuses. */
const sourceJson = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: "binary" }).map((value) => JSON.stringify(value)) },
  fc.jsonValue({ maxDepth: 2, stringUnit: anyCodeUnits(2) }).map((value) => JSON.stringify(value)),
  fc.constantFrom(
    '{"a": NaN}',
    "not json",
    '"\\u0000"',
    '"\\ud800"',
    '"x\\udc00"',
    '"\\ud83d\\ude00"',
    "1e1000",
    "1e400",
    "-1.5e-400",
    "123456789012345678901234567890.123456789e-20",
    '{"b": 1, "a": 2, "b": 3}',
    "",
    "  ",
    "01",
    "[1,]",
    '"tab\there"',
    "a\u0000b",
    `${"[".repeat(1000)}${"]".repeat(1000)}`,
    `${"[".repeat(1001)}${"]".repeat(1001)}`,
    `${"[".repeat(3000)}${"]".repeat(3000)}`,
    `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
    `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`,
  ),
);

const sourceLetter: fc.Arbitrary<SourceLetter> = fc.record({
  documentName: fc.option(sourceText, { freq: 12 }),
  documentTitle: fc.option(sourceText, { freq: 4 }),
  fileSize: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { freq: 4 }),
  processingTimeMs: fc.option(sourceReal, { freq: 4 }),
  createdAt: fc.option(sourceTimestamp, { freq: 4 }),
  rawGrokJson: fc.option(sourceJson, { freq: 4 }),
  step: fc.record({
    processingStep: fc.option(sourceText, { freq: 12 }),
    stepSuccess: fc.option(fc.boolean(), { freq: 4 }),
    stepDurationMs: fc.option(sourceReal, { freq: 4 }),
    stepTimestamp: fc.option(sourceTimestamp, { freq: 4 }),
  }),
});

/** A REAL as SQL text DuckDB casts exactly (bound numbers lose the sign of -0). */
function realLiteral(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (Object.is(value, -0)) return "-0.0";
  return value === Infinity ? "inf" : value === -Infinity ? "-inf" : String(value);
}

/** Writes the letters into a new DuckDB file (JSON held as TEXT, so invalid JSON reaches the importer). */
async function writeSource(path: string, letters: readonly SourceLetter[]): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    await connection.run(sourceSchemaSql("TEXT"));
    await connection.run("ALTER TABLE letters ALTER COLUMN document_name DROP NOT NULL");
    await connection.run("ALTER TABLE processing_debug ALTER COLUMN processing_step DROP NOT NULL");
    for (const [index, letter] of letters.entries()) {
      const created = letter.createdAt;
      await connection.run(
        `INSERT INTO letters (id, document_name, source_file_path, document_title, file_size, processing_time_ms, created_at, raw_grok_json)
         VALUES (?, ?, '/s', ?, ?, CAST(? AS REAL), ${typeof created === "bigint" ? "make_timestamp(CAST(? AS BIGINT))" : "CAST(? AS TIMESTAMP)"}, ?)`,
        [
          index + 1,
          letter.documentName,
          letter.documentTitle,
          letter.fileSize,
          letter.processingTimeMs === null ? null : realLiteral(letter.processingTimeMs),
          typeof created === "bigint" ? created.toString() : created,
          letter.rawGrokJson,
        ],
      );
      const { step } = letter;
      const stamp = step.stepTimestamp;
      await connection.run(
        `INSERT INTO processing_debug (id, letter_id, processing_step, step_success, step_duration_ms, step_timestamp)
         VALUES (?, ?, ?, ?, CAST(? AS REAL), ${typeof stamp === "bigint" ? "make_timestamp(CAST(? AS BIGINT))" : "CAST(? AS TIMESTAMP)"})`,
        [
          index + 1,
          index + 1,
          step.processingStep,
          step.stepSuccess,
          step.stepDurationMs === null ? null : realLiteral(step.stepDurationMs),
          typeof stamp === "bigint" ? stamp.toString() : stamp,
        ],
      );
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Whether PostgreSQL's own jsonb input accepts `text` (the reference the importer's check must match). */
async function jsonbAccepts(client: pg.Client, text: string): Promise<boolean> {
  try {
    await client.query("SELECT $1::jsonb", [text]);
    return true;
  } catch {
    return false;
  }
}

/** How deeply arrays and objects nest in a JSON text (brackets inside strings not counted). */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === "\\") index++;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === "[" || character === "{") deepest = Math.max(deepest, ++depth);
    else if (character === "]" || character === "}") depth--;
  }
  return deepest;
}

/** The columns each letter must be rejected for, by the documented rules (JSON: as PostgreSQL's jsonb input, at most 1,000 levels deep). */
async function expectedProblems(client: pg.Client, letter: SourceLetter): Promise<string[]> {
  const columns: string[] = [];
  if (letter.documentName === null || letter.documentName.includes("\u0000")) columns.push("document_name");
  if (letter.documentTitle?.includes("\u0000")) columns.push("document_title");
  if (typeof letter.createdAt === "bigint" && letter.createdAt < PG_MIN_MICROS) columns.push("created_at");
  const json = letter.rawGrokJson;
  if (json !== null && (json.includes("\u0000") || nestingDepth(json) > 1000 || !(await jsonbAccepts(client, json)))) columns.push("raw_grok_json");
  return columns;
}

/** The columns a letter's debug step must be rejected for: its own problems, and its letter's rejection. */
function expectedStepProblems(letter: SourceLetter, letterRejected: boolean): string[] {
  const columns: string[] = [];
  if (letterRejected) columns.push("letter_id");
  if (letter.step.processingStep === null || letter.step.processingStep.includes("\u0000")) columns.push("processing_step");
  if (typeof letter.step.stepTimestamp === "bigint" && letter.step.stepTimestamp < PG_MIN_MICROS) columns.push("step_timestamp");
  return columns;
}

const float4Bits = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeFloatBE(value);
  return bytes.toString("hex");
};

interface StoredLetter {
  id: number;
  document_name: string;
  document_title: string | null;
  file_size: number | null;
  time_bits: string | null;
  created_micros: string | null;
  same_json: boolean | null;
  json_is_null: boolean;
}

describe("importer encoders with arbitrary DuckDB values (property-based, real DuckDB and PostgreSQL COPY)", () => {
  it("every row is imported with its exact values, or rejected naming table, id and column; the import never crashes", async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(sourceLetter, { minLength: 1, maxLength: 12 }), async (letters) => {
          const file = scratch.path(`property-${run}.duckdb`);
          const rejectsFile = scratch.path(`property-${run++}.rejects.jsonl`);
          await writeSource(file, letters);
          const summary = await importDuckDb({ from: file, databaseUrl: database.url, env: {}, replace: true, onError: "skip", rejectsFile });
          expect(summary.outcome, JSON.stringify(summary.verification?.differences)).toBe("imported");

          const expected: string[][] = [];
          for (const letter of letters) expected.push(await expectedProblems(client, letter));
          const rejected = new Map(summary.rejectedRows.filter((row) => row.table === "letters").map((row) => [row.id, row]));
          const rejectsLines = readFileSync(rejectsFile, "utf8").split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as RejectsFileLine);
          expect(rejectsLines.length).toBe(summary.rejectedTotal);

          const stored = new Map(
            (
              await client.query<StoredLetter>(
                `SELECT l.id, l.document_name, l.document_title, l.file_size,
                   CASE WHEN l.processing_time_ms = 'NaN' THEN 'NaN' ELSE encode(float4send(l.processing_time_ms), 'hex') END AS time_bits,
                   CASE WHEN isfinite(l.created_at) THEN (extract(epoch FROM l.created_at) * 1000000)::bigint::text ELSE l.created_at::text END AS created_micros,
                   l.raw_grok_json = s.doc::jsonb AS same_json, l.raw_grok_json IS NULL AS json_is_null
                 FROM letters l JOIN unnest($1::text[]) WITH ORDINALITY AS s(doc, n) ON s.n = l.id`,
                // A NUL cannot be sent to PostgreSQL at all; such rows are rejected, so their JSON is not compared.
                [letters.map((letter) => (letter.rawGrokJson?.includes("\u0000") ? null : letter.rawGrokJson))],
              )
            ).rows.map((row) => [row.id, row]),
          );

          letters.forEach((letter, index) => {
            const id = index + 1;
            const problems = expected[index]!;
            if (problems.length > 0) {
              expect(stored.has(id), `letter ${id} should be rejected for ${problems.join(", ")}`).toBe(false);
              expect(rejected.get(id)?.problems.map((problem) => problem.column).sort()).toEqual([...problems].sort());
              const line = rejectsLines.find((candidate) => candidate.table === "letters" && candidate.id === id);
              expect(line?.row.document_title).toBe(letter.documentTitle);
              expect(line?.row.raw_grok_json).toBe(letter.rawGrokJson);
              return;
            }
            expect(rejected.has(id), `letter ${id} was rejected: ${JSON.stringify(rejected.get(id)?.problems)}`).toBe(false);
            const row = stored.get(id)!;
            expect(row.document_name).toBe(letter.documentName);
            expect(row.document_title).toBe(letter.documentTitle);
            expect(row.file_size).toBe(letter.fileSize);
            const time = letter.processingTimeMs;
            expect(row.time_bits).toBe(time === null ? null : Number.isNaN(time) ? "NaN" : float4Bits(time));
            expect(row.created_micros).toBe(letter.createdAt === null ? null : letter.createdAt.toString());
            if (letter.rawGrokJson === null) expect(row.json_is_null).toBe(true);
            else expect(row.same_json, letter.rawGrokJson.slice(0, 200)).toBe(true);
          });
          expect(rejected.size).toBe(expected.filter((problems) => problems.length > 0).length);

          const steps = new Map(
            (
              await client.query<{ id: number; processing_step: string; step_success: boolean | null; duration_bits: string | null; stamp_micros: string | null }>(
                `SELECT id, processing_step, step_success,
                   CASE WHEN step_duration_ms = 'NaN' THEN 'NaN' ELSE encode(float4send(step_duration_ms), 'hex') END AS duration_bits,
                   CASE WHEN isfinite(step_timestamp) THEN (extract(epoch FROM step_timestamp) * 1000000)::bigint::text ELSE step_timestamp::text END AS stamp_micros
                 FROM processing_debug`,
              )
            ).rows.map((row) => [row.id, row]),
          );
          const rejectedSteps = new Map(summary.rejectedRows.filter((row) => row.table === "processing_debug").map((row) => [row.id, row]));
          letters.forEach((letter, index) => {
            const id = index + 1;
            const problems = expectedStepProblems(letter, expected[index]!.length > 0);
            if (problems.length > 0) {
              expect(steps.has(id)).toBe(false);
              expect(rejectedSteps.get(id)?.problems.map((problem) => problem.column).sort()).toEqual(problems.sort());
              return;
            }
            const row = steps.get(id);
            expect(row, `step ${id} was rejected: ${JSON.stringify(rejectedSteps.get(id)?.problems)}`).toBeDefined();
            expect(row!.processing_step).toBe(letter.step.processingStep);
            expect(row!.step_success).toBe(letter.step.stepSuccess);
            const duration = letter.step.stepDurationMs;
            expect(row!.duration_bits).toBe(duration === null ? null : Number.isNaN(duration) ? "NaN" : float4Bits(duration));
            expect(row!.stamp_micros).toBe(letter.step.stepTimestamp === null ? null : letter.step.stepTimestamp.toString());
          });
        }),
        // Each run is a whole import (DuckDB file, COPY, index rebuild, verification): about a second.
        { numRuns: 5 },
      );
    } finally {
      await client.end();
    }
  });
});

