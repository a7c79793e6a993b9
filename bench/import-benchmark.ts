// `npm run bench:import`: the importer against the physical limit and the seeds' row-by-row method, measured
// in one run on one PostgreSQL (BENCH_DATABASE_URL, default the local server). Not a test: it prints figures.
// Then (BENCH_EXPORT=0 skips it) the way back: `se-letters-db export` of the imported data beside DuckDB's own
// COPY of the same rows (COPY FROM DATABASE into a new DuckDB file, and COPY … TO CSV), in the same run.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpus, totalmem } from "node:os";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import pg from "pg";
import { captureDeferredStructures, dropStructures } from "../src/importer/bulk-load.ts";
import { IMPORT_TABLES } from "../src/importer/import-tables.ts";
import { IMPORT_DEFAULTS, loadSessionSettings } from "../src/importer/import-options.ts";
import { createSampleLettersDuckDb } from "../src/importer/sample-letters-duckdb.ts";
import { migrate } from "../src/migrate/migrate.ts";

const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const letters = Number(process.env.BENCH_LETTERS ?? 200_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
const seedSampleLetters = Number(process.env.BENCH_SEED_SAMPLE ?? 1_000);
const benchExport = process.env.BENCH_EXPORT !== "0";
const work = resolve("bench-data");
const duckFile = join(work, `letters-${letters}.duckdb`);
const cli = resolve("bench-dist/cli.js");
const settings = loadSessionSettings(IMPORT_DEFAULTS.maintenanceWorkMem);

const urlFor = (database: string) => {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
};
const safe = (url: string) => url.replace(/\/\/([^:@/]+):[^@]*@/, "//$1:***@");
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] as number;

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function freshDatabase(): Promise<string> {
  const name = `se_letters_bench_${randomBytes(4).toString("hex")}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  await migrate({ databaseUrl: urlFor(name), env: {} });
  return name;
}

async function dropDatabase(name: string): Promise<void> {
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

async function checkpoint(): Promise<void> {
  await withAdmin((client) => client.query("CHECKPOINT"));
}

/** The CSV copy of `table` for this letter count (a run with another count must not reuse it). */
function csvFileOf(table: string): string {
  return join(work, `${table}-${letters}.csv`);
}

function columnsOf(table: string): string[] {
  return JSON.parse(readFileSync(join(work, `${table}.columns.json`), "utf8")) as string[];
}

async function prepareSource(): Promise<number> {
  mkdirSync(work, { recursive: true });
  if (!existsSync(duckFile)) {
    const started = performance.now();
    await createSampleLettersDuckDb(duckFile, { letters, productsPerLetter: 5, debugStepsPerLetter: 4 });
    console.log(`Generated ${duckFile} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const instance = await DuckDBInstance.create(duckFile, { access_mode: "READ_ONLY" });
  const connection = await instance.connect();
  let total = 0;
  try {
    for (const table of IMPORT_TABLES) {
      const csv = csvFileOf(table);
      if (!existsSync(csv)) await connection.run(`COPY ${table} TO '${csv}' (FORMAT csv, HEADER false)`);
      const columns = (await connection.runAndReadAll(`SELECT column_name FROM duckdb_columns() WHERE table_name = '${table}' ORDER BY column_index`)).getRowsJS().map((row) => String(row[0]));
      writeFileSync(join(work, `${table}.columns.json`), JSON.stringify(columns));
      total += Number((await connection.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRowsJS()[0]?.[0]);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return total;
}

/** The whole importer command, verification included, as a child process: wall seconds and peak RSS. */
function runImporter(database: string): { seconds: number; maxRssMb: number } {
  const args = ["-v", process.execPath, cli, "import", "--from", duckFile, "--database-url", urlFor(database)];
  const started = performance.now();
  const result = spawnSync("/usr/bin/time", args, { encoding: "utf8", maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`importer failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
  console.log(result.stdout.split("\n").filter((line) => /^(table|total|letters|letter_|processing|Keys|Verification)/.test(line)).join("\n"));
  return { seconds, maxRssMb: Number(rss?.[1] ?? 0) / 1024 };
}

/**
 * The physical limit: psql \copy of prepared CSV files into bare tables, then the same keys, indexes and FKs,
 * one transaction. With `freeze`, the tables are truncated first and copied with FREEZE, as the importer
 * does: printed for information (the issue's limit is the plain \copy).
 */
async function runPsqlBaseline(database: string, freeze = false): Promise<number> {
  const client = new pg.Client({ connectionString: urlFor(database) });
  await client.connect();
  const structures = await captureDeferredStructures(client);
  await dropStructures(client, structures);
  await client.end();
  const script = [
    "\\timing on",
    "BEGIN;",
    ...Object.entries(settings).map(([name, value]) => `SET LOCAL ${name} = '${value}';`),
    ...(freeze ? [`TRUNCATE ${IMPORT_TABLES.join(", ")};`] : []),
    ...IMPORT_TABLES.map((table) => `\\copy ${table} (${columnsOf(table).join(", ")}) FROM '${csvFileOf(table)}' (FORMAT csv${freeze ? ", FREEZE" : ""})`),
    ...structures.map((structure) => `${structure.create};`),
    "COMMIT;",
  ].join("\n");
  const file = join(work, "baseline.sql");
  writeFileSync(file, script);
  const started = performance.now();
  const output = execFileSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", urlFor(database), "-f", file], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const seconds = (performance.now() - started) / 1000;
  const times = [...output.matchAll(/Time: ([\d.]+) ms/g)].map((match) => Number(match[1]) / 1000);
  const first = 1 + Object.keys(settings).length + (freeze ? 1 : 0);
  const copySeconds = times.slice(first, first + IMPORT_TABLES.length).reduce((a, b) => a + b, 0);
  console.log(`baseline${freeze ? " (FREEZE)" : ""}: \\copy ${copySeconds.toFixed(1)} s, keys/indexes/FKs ${(seconds - copySeconds).toFixed(1)} s`);
  return seconds;
}

/**
 * The seeds' method (Phase 3): one INSERT per row, as executemany sends them, for a sample of letters and
 * their children, into tables that already have their indexes (the seeds create them in Phase 2). Ids are
 * shifted by `idOffset` so the sample can go into a database that already holds the full data set.
 */
async function runSeedsSample(database: string, idOffset = 0): Promise<{ rows: number; seconds: number }> {
  const instance = await DuckDBInstance.create(duckFile, { access_mode: "READ_ONLY" });
  const duck = await instance.connect();
  const client = new pg.Client({ connectionString: urlFor(database) });
  await client.connect();
  let rows = 0;
  const started = performance.now();
  try {
    await client.query("BEGIN");
    for (const table of IMPORT_TABLES) {
      const columns = columnsOf(table);
      const where = table === "letters" ? `id <= ${seedSampleLetters}` : `letter_id <= ${seedSampleLetters}`;
      const select = columns.map((c) => (c.endsWith("_json") ? `${c}::VARCHAR` : ["id", "letter_id", "letter_product_id"].includes(c) ? `${c} + ${idOffset}` : c));
      const reader = await duck.runAndReadAll(`SELECT ${select.join(", ")} FROM ${table} WHERE ${where}`);
      const insert = `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`;
      for (const row of reader.getRowsJS()) {
        await client.query(insert, row.map((value) => (typeof value === "bigint" ? value.toString() : value)));
        rows++;
      }
    }
    await client.query("COMMIT");
  } finally {
    await client.end();
    duck.closeSync();
    instance.closeSync();
  }
  return { rows, seconds: (performance.now() - started) / 1000 };
}

/** `se-letters-db export` of the database into a new DuckDB file, as a child process: wall seconds and peak RSS. */
function runExport(database: string): { seconds: number; maxRssMb: number } {
  const target = join(work, `export-${letters}.duckdb`);
  const args = ["-v", process.execPath, cli, "export", "--to", target, "--force", "--database-url", urlFor(database)];
  const started = performance.now();
  const result = spawnSync("/usr/bin/time", args, { encoding: "utf8", maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`export failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
  console.log(result.stdout.split("\n").filter((line) => /^(table|total|letters|letter_|processing|File verified)/.test(line)).join("\n"));
  rmSync(target, { force: true });
  return { seconds, maxRssMb: Number(rss?.[1] ?? 0) / 1024 };
}

/**
 * DuckDB's own copies of the same rows, the local limit of writing them: `COPY FROM DATABASE` of the source
 * file into a new DuckDB file (same tables, keys and sequences), and `COPY … TO` CSV of each table.
 */
async function runDuckDbCopies(): Promise<{ database: number; csv: number }> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const copyFile = join(work, "duckdb-copy.duckdb");
  rmSync(copyFile, { force: true });
  try {
    await connection.run(`ATTACH '${duckFile}' AS src (READ_ONLY)`);
    let started = performance.now();
    await connection.run(`ATTACH '${copyFile}' AS dst; COPY FROM DATABASE src TO dst; DETACH dst`);
    const database = (performance.now() - started) / 1000;
    started = performance.now();
    for (const table of IMPORT_TABLES) await connection.run(`COPY src.${table} TO '${join(work, `copy-${table}.csv`)}' (FORMAT csv, HEADER false)`);
    return { database, csv: (performance.now() - started) / 1000 };
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(copyFile, { force: true });
    for (const table of IMPORT_TABLES) rmSync(join(work, `copy-${table}.csv`), { force: true });
  }
}

const totalRows = await prepareSource();
const version = await withAdmin(async (client) => (await client.query("SHOW server_version")).rows[0].server_version as string);
console.log(`Source: ${duckFile}: ${letters.toLocaleString("en-US")} letters, ${totalRows.toLocaleString("en-US")} rows. Server: ${safe(serverUrl)} (PostgreSQL ${version}).`);
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}. Load settings (both sides): ${Object.entries(settings).map(([k, v]) => `${k}=${v}`).join(", ")}.`);

const importer: { seconds: number; maxRssMb: number }[] = [];
const baseline: number[] = [];
const baselineFreeze: number[] = [];
let seedsFull: { rows: number; seconds: number } | undefined;
let exported: { seconds: number; maxRssMb: number } | undefined;
let duckDbCopies: { database: number; csv: number } | undefined;
for (let round = 1; round <= rounds; round++) {
  for (const which of round % 2 === 1 ? ["importer", "baseline", "baseline-freeze"] : ["baseline-freeze", "baseline", "importer"]) {
    const database = await freshDatabase();
    try {
      await checkpoint();
      if (which === "importer") {
        const run = runImporter(database);
        importer.push(run);
        console.log(`round ${round}: importer ${run.seconds.toFixed(1)} s, peak RSS ${run.maxRssMb.toFixed(0)} MB`);
        if (round === rounds && benchExport) {
          await checkpoint();
          exported = runExport(database);
          console.log(`round ${round}: export ${exported.seconds.toFixed(1)} s, peak RSS ${exported.maxRssMb.toFixed(0)} MB`);
          duckDbCopies = await runDuckDbCopies();
        }
        if (round === rounds) seedsFull = await runSeedsSample(database, 10_000_000);
      } else {
        const freeze = which === "baseline-freeze";
        const seconds = await runPsqlBaseline(database, freeze);
        (freeze ? baselineFreeze : baseline).push(seconds);
        console.log(`round ${round}: psql \\copy${freeze ? " FREEZE" : ""} + indexes ${seconds.toFixed(1)} s`);
      }
    } finally {
      await dropDatabase(database);
    }
  }
}
const seedsDatabase = await freshDatabase();
let seeds: { rows: number; seconds: number };
try {
  seeds = await runSeedsSample(seedsDatabase);
} finally {
  await dropDatabase(seedsDatabase);
}
// Each row the seeds insert costs more as the tables and their indexes grow: the sample is timed into empty
// tables and into tables holding the whole data set, and the run is extrapolated with the mean per-row time
// (trapezoid rule, cost growing linearly from the first row to the last).
const seedsRateEmpty = seeds.rows / seeds.seconds;
const seedsRateFull = seedsFull === undefined ? seedsRateEmpty : seedsFull.rows / seedsFull.seconds;
const seedsRate = 2 / (1 / seedsRateEmpty + 1 / seedsRateFull);
const seedsExtrapolated = totalRows / seedsRate;
const importerSeconds = median(importer.map((run) => run.seconds));
const importerRss = Math.max(...importer.map((run) => run.maxRssMb));
const baselineSeconds = median(baseline);
const baselineFreezeSeconds = median(baselineFreeze);

const lines = [
  "",
  `| method | wall time | rows/s | peak RSS |`,
  `|---|---:|---:|---:|`,
  `| importer: \`se-letters-db import\` (verification included), median of ${rounds} | ${importerSeconds.toFixed(1)} s | ${Math.round(totalRows / importerSeconds).toLocaleString("en-US")} | ${importerRss.toFixed(0)} MB |`,
  `| physical limit: \`psql \\copy\` CSV into bare tables + same keys/indexes/FKs, median of ${rounds} | ${baselineSeconds.toFixed(1)} s | ${Math.round(totalRows / baselineSeconds).toLocaleString("en-US")} | |`,
  `| for information: the same with TRUNCATE + \`\\copy … FREEZE\` (as the importer copies), median of ${rounds} | ${baselineFreezeSeconds.toFixed(1)} s | ${Math.round(totalRows / baselineFreezeSeconds).toLocaleString("en-US")} | |`,
  `| seeds' row-by-row INSERT: ${seeds.rows.toLocaleString("en-US")} rows in ${seeds.seconds.toFixed(1)} s into empty tables (${Math.round(seedsRateEmpty).toLocaleString("en-US")} rows/s) and ${(seedsFull?.seconds ?? seeds.seconds).toFixed(1)} s into full ones (${Math.round(seedsRateFull).toLocaleString("en-US")} rows/s), extrapolated | ${seedsExtrapolated.toFixed(0)} s | ${Math.round(seedsRate).toLocaleString("en-US")} | |`,
  "",
  `importer / physical limit = ${(importerSeconds / baselineSeconds).toFixed(2)} (target ≤ 1.2); importer / limit with FREEZE = ${(importerSeconds / baselineFreezeSeconds).toFixed(2)}`,
  `seeds' method / importer = ${(seedsExtrapolated / importerSeconds).toFixed(1)}× (target ≥ 30×); seeds' method / physical limit = ${(seedsExtrapolated / baselineSeconds).toFixed(1)}×`,
  `peak RSS ${importerRss.toFixed(0)} MB (target < 500 MB)`,
  `Command: ${process.execPath} ${cli} import --from ${duckFile} --database-url ${safe(urlFor("<fresh migrated database>"))}`,
];
if (exported !== undefined && duckDbCopies !== undefined) {
  const rate = (seconds: number) => Math.round(totalRows / seconds).toLocaleString("en-US");
  lines.push(
    "",
    `| the way back: ${totalRows.toLocaleString("en-US")} rows | wall time | rows/s | peak RSS |`,
    `|---|---:|---:|---:|`,
    `| export: \`se-letters-db export\` (one snapshot, verification of the file included) | ${exported.seconds.toFixed(1)} s | ${rate(exported.seconds)} | ${exported.maxRssMb.toFixed(0)} MB |`,
    `| DuckDB \`COPY FROM DATABASE\` of the source file into a new DuckDB file | ${duckDbCopies.database.toFixed(1)} s | ${rate(duckDbCopies.database)} | |`,
    `| DuckDB \`COPY … TO\` CSV, the four tables | ${duckDbCopies.csv.toFixed(1)} s | ${rate(duckDbCopies.csv)} | |`,
    "",
    `export / DuckDB COPY FROM DATABASE = ${(exported.seconds / duckDbCopies.database).toFixed(1)}; export / COPY TO CSV = ${(exported.seconds / duckDbCopies.csv).toFixed(1)}`,
  );
}
console.log(lines.join("\n"));
if (process.env.BENCH_KEEP_DATA !== "1") rmSync(join(work, "baseline.sql"), { force: true });
