// `npm run bench:catalogue`: enrichment of one letter with 50 matches and of a page of 25 letters, on a
// catalogue of BENCH_PRODUCTS (default 500,000) products, from the DuckDB file and from the synced
// PostgreSQL table, measured in one run on one PostgreSQL (BENCH_DATABASE_URL, default the local server).
// Not a test: it prints figures. BENCH_ITERATIONS (default 30) calls each.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { createSampleCatalogueDuckDb, enrichLetterMatches, enrichLettersMatches, openDuckDbCatalogue, openPostgresCatalogue, syncCatalogue, type ProductCatalogue } from "../src/catalogue/index.ts";
import { connectDatabase } from "../src/client/database-client.ts";
import { migrate } from "../src/migrate/migrate.ts";

const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const products = Number(process.env.BENCH_PRODUCTS ?? 500_000);
const iterations = Number(process.env.BENCH_ITERATIONS ?? 30);
const LETTERS = 25;
const MATCHES = 50;
const work = resolve("bench-data");
const file = join(work, `catalogue-${products}.duckdb`);

const urlFor = (database: string) => {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
};
const percentile = (values: number[], share: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(share * values.length))] as number;

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** 25 letters of 50 matches each: catalogue references spread over the file, one in ten unknown. */
async function insertLetters(url: string): Promise<number[]> {
  return admin(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const ids: number[] = [];
      for (let letter = 0; letter < LETTERS; letter++) {
        const { rows } = await client.query<{ id: number }>("INSERT INTO letters (document_name, source_file_path) VALUES ($1, $1) RETURNING id", [`bench-${letter}.pdf`]);
        const id = rows[0]!.id;
        const product = await client.query<{ id: number }>("INSERT INTO letter_products (letter_id, product_identifier) VALUES ($1, 'X') RETURNING id", [id]);
        const identifiers = Array.from({ length: MATCHES }, (_, index) =>
          index % 10 === 9 ? `UNKNOWN-${letter}-${index}` : `TBU${String(1 + ((letter * 7919 + index * 104_729) % (products - 200))).padStart(8, "0")}`,
        );
        await client.query(
          "INSERT INTO letter_product_matches (letter_id, letter_product_id, ibcatalogue_product_identifier, match_confidence) SELECT $1, $2, unnest($3::text[]), 0.9",
          [id, product.rows[0]!.id, identifiers],
        );
        ids.push(id);
      }
      return ids;
    } finally {
      await client.end();
    }
  });
}

async function time(run: () => Promise<unknown>): Promise<string> {
  await run();
  const samples: number[] = [];
  for (let index = 0; index < iterations; index++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return `median ${percentile(samples, 0.5).toFixed(1)} ms, p95 ${percentile(samples, 0.95).toFixed(1)} ms`;
}

const database = `se_letters_bench_catalogue_${randomBytes(4).toString("hex")}`;
console.log(`bench:catalogue on ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${new Date().toISOString()}: ${products.toLocaleString("en-US")} products, ${iterations} calls each`);
mkdirSync(work, { recursive: true });
rmSync(file, { force: true });
let started = performance.now();
await createSampleCatalogueDuckDb(file, { products });
console.log(`catalogue file written in ${((performance.now() - started) / 1000).toFixed(1)} s: ${file}`);
await admin((client) => client.query(`CREATE DATABASE ${database}`));
try {
  const url = urlFor(database);
  await migrate({ databaseUrl: url, env: {} });
  started = performance.now();
  const summary = await syncCatalogue({ databaseUrl: url, env: {}, from: file });
  console.log(`sync: ${summary.rows.toLocaleString("en-US")} rows in ${(summary.durationMs / 1000).toFixed(1)} s (wall ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  const letterIds = await insertLetters(url);
  const db = await connectDatabase({ databaseUrl: url, env: {} });
  const sources: [string, ProductCatalogue][] = [
    ["DuckDB file", await openDuckDbCatalogue({ file })],
    ["PostgreSQL table", await openPostgresCatalogue({ pool: db.pool })],
  ];
  try {
    for (const [name, catalogue] of sources) {
      const one = await time(() => enrichLetterMatches(db.prisma, catalogue, letterIds[0]!));
      const page = await time(() => enrichLettersMatches(db.prisma, catalogue, letterIds));
      console.log(`${name.padEnd(17)} enrich 1 letter × ${MATCHES} matches: ${one}; page of ${LETTERS} letters (${LETTERS * MATCHES} matches): ${page}`);
    }
  } finally {
    for (const [, catalogue] of sources) await catalogue.close();
    await db.close();
  }
} finally {
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
}
