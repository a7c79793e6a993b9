#!/usr/bin/env node
// Loads the built package the way a service would, from a plain Node process: the ESM entry with
// `import`, the CJS entry with `require`, and the CLI binary. With SMOKE_DATABASE_URL (a server URL
// with CREATEDB rights) it also migrates a scratch database with the built CLI and queries it through
// both builds, which proves the generated Prisma client works in each.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL("..", import.meta.url));
const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const expected = ["connectDatabase", "migrate", "checkDatabaseHealth", "resolveDatabaseConfig", "PrismaClient", "DatabaseError", "isDatabaseError"];

const esm = await import("@se-letters/db");
const cjs = require("@se-letters/db");
for (const [flavour, module] of [["ESM", esm], ["CJS", cjs]]) {
  const missing = expected.filter((name) => module[name] === undefined);
  if (missing.length > 0) fail(`${flavour} build lacks exports: ${missing.join(", ")}`);
  console.log(`${flavour} build loads: ${Object.keys(module).length} exports`);
}
run(["--help"]);
// The built CLI's conventions: --version is the package's, a command's --help is its own usage.
const version = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
if (run(["--version"]) !== version) fail(`se-letters-db --version did not print ${version}`);
const importHelp = run(["import", "--help"]);
if (!importHelp.includes("se-letters-db import --from FILE") || importHelp.includes("se-letters-db migrate")) fail("se-letters-db import --help is not import's own usage");
const usage = spawnSync(process.execPath, [cli, "import", "--no-such-flag"], { cwd: root, encoding: "utf8" });
if (usage.status !== 2 || usage.stdout !== "" || usage.stderr.trim().split("\n").length !== 1) fail(`a usage error is not one line on stderr with exit 2: ${usage.status} ${JSON.stringify(usage.stderr)}`);

// Services that only query must not need DuckDB: the root entry may not load it.
for (const file of ["../dist/index.js", "../dist/index.cjs"]) {
  if (readFileSync(new URL(file, import.meta.url), "utf8").includes("@duckdb/")) fail(`${file} refers to @duckdb/: the root entry must not load DuckDB`);
}
const importer = await import("@se-letters/db/importer");
if (typeof importer.importDuckDb !== "function") fail("@se-letters/db/importer lacks importDuckDb");
if (typeof require("@se-letters/db/importer").importDuckDb !== "function") fail("CJS @se-letters/db/importer lacks importDuckDb");
console.log("@se-letters/db/importer loads (ESM and CJS)");
const catalogue = await import("@se-letters/db/catalogue");
if (typeof catalogue.syncCatalogue !== "function" || typeof catalogue.enrichLetterMatches !== "function") fail("@se-letters/db/catalogue lacks syncCatalogue or enrichLetterMatches");
if (typeof require("@se-letters/db/catalogue").openPostgresCatalogue !== "function") fail("CJS @se-letters/db/catalogue lacks openPostgresCatalogue");
// DuckDB is loaded when a catalogue file is first opened, not when the entry is imported.
if (Object.keys(require.cache).some((key) => key.includes("@duckdb/"))) fail("loading @se-letters/db/catalogue loaded DuckDB");
console.log("@se-letters/db/catalogue loads (ESM and CJS) without loading DuckDB");

const admin = process.env.SMOKE_DATABASE_URL;
if (admin) {
  const pg = require("pg");
  const name = `se_letters_smoke_${randomBytes(4).toString("hex")}`;
  const adminClient = new pg.Client({ connectionString: admin });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(admin);
    url.pathname = `/${name}`;
    run(["migrate", "--database-url", url.toString()]);
    run(["migrate", "--database-url", url.toString()]);
    for (const [flavour, module] of [["ESM", esm], ["CJS", cjs]]) {
      const db = await module.connectDatabase({ databaseUrl: url.toString() });
      try {
        const health = await module.checkDatabaseHealth(db);
        if (!health.healthy) fail(`${flavour}: database not healthy after migrate: ${health.error}`);
        console.log(`${flavour} build: Prisma client counts ${await db.prisma.letter.count()} letters; health ok`);
      } finally {
        await db.close();
      }
    }
  } finally {
    await adminClient.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await adminClient.end();
  }
}
console.log("Smoke test passed.");

function run(args) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) fail(`se-letters-db ${args[0]} exited ${result.status}: ${result.stderr}`);
  console.log(`se-letters-db ${args.join(" ").replace(/:\/\/[^@]*@/, "://***@")}: ${result.stdout.trim().split("\n").at(-1)}`);
  return result.stdout.trim();
}

function fail(message) {
  console.error(`Smoke test failed: ${message}`);
  process.exit(1);
}
