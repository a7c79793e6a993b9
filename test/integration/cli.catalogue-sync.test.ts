import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { useBundledEntry } from "../support/bundle-entry.ts";
import { catalogueRow, createCatalogueFile, insertProducts } from "../support/catalogue-files.ts";
import { useScratchFolder } from "../support/duckdb-files.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const scratch = useScratchFolder();
// The built CLI (bundled as tsup bundles it, packages external), run as a user runs it.
const bundleCli = useBundledEntry("src/cli/main.ts");

async function cli(...argv: string[]): Promise<{ code: number | null; out: string[]; err: string[] }> {
  // No database configured unless --database-url says so, whatever the environment running the tests has.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("DB_")));
  const child = spawn(process.execPath, [await bundleCli(), ...argv], { env: { ...env, DATABASE_URL: " " } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (data: Buffer) => (stdout += data.toString()));
  child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
  const code = await new Promise<number | null>((resolveExit) => child.on("close", resolveExit));
  const lines = (text: string) => (text === "" ? [] : text.replace(/\n$/, "").split("\n"));
  return { code, out: lines(stdout), err: lines(stderr) };
}

const ROWS = [
  catalogueRow("LC1D09M7", "TeSys D contactor 9 A", "TeSys D", null, 1),
  catalogueRow("ATV320U15N4B", "variable speed drive ATV320", "Altivar Machine ATV320", "Book", 2),
  catalogueRow("A9F74206", "iC60N 2P 6 A C curve", "Acti9 iC60", "iC60N", 3),
];

describe("se-letters-db catalogue sync (the built CLI)", () => {
  it("usage: --help prints the usage (0); a missing subcommand, --from, target or a bad flag value is one line on stderr, exit 2", async () => {
    for (const argv of [["catalogue", "--help"], ["catalogue", "sync", "--help"]]) {
      const { code, out, err } = await cli(...argv);
      expect({ code, err }).toEqual({ code: 0, err: [] });
      expect(out.join("\n")).toMatch(/se-letters-db catalogue sync --from FILE\.duckdb/);
      expect(out.join("\n")).not.toMatch(/se-letters-db import/);
    }
    const usage = async (...argv: string[]) => {
      const { code, out, err } = await cli(...argv);
      expect({ argv, code, out, lines: err.length }).toEqual({ argv, code: 2, out: [], lines: 1 });
      expect(err[0]).toMatch(/see se-letters-db catalogue --help/);
      return err[0];
    };
    expect(await usage("catalogue")).toMatch(/^catalogue needs a subcommand: sync/);
    expect(await usage("catalogue", "refresh")).toMatch(/^Unknown catalogue subcommand "refresh": sync/);
    expect(await usage("catalogue", "sync")).toMatch(/^catalogue sync needs --from FILE/);
    expect(await usage("catalogue", "sync", "--from", "c.duckdb", "--on-duplicate", "any")).toMatch(/^--on-duplicate must be error, first or last/);
    expect(await usage("catalogue", "sync", "--from", "c.duckdb", "--on-null", "keep")).toMatch(/^--on-null must be error or skip/);
    expect(await usage("catalogue", "sync", "--from", "c.duckdb", "--no-such-flag")).toMatch(/no-such-flag/);
    expect(await usage("catalogue", "sync", "--from", "c.duckdb")).toMatch(/^catalogue sync needs a target database: --database-url URL/);
    const json = await cli("catalogue", "sync", "--json");
    expect(json.code).toBe(2);
    expect(JSON.parse(json.out[0]!)).toEqual({ error: { code: "USAGE", message: expect.stringMatching(/needs --from/) } });
  });

  it("syncs with progress on stderr and a summary (0); --json --quiet prints only the JSON summary; refused (3) and failed (1) runs say why, in JSON with --json", async () => {
    const file = await createCatalogueFile(scratch.path("cli.duckdb"), [insertProducts(ROWS)]);
    const text = await cli("catalogue", "sync", "--from", file, "--database-url", database.url);
    expect(text.code, text.err.join("\n")).toBe(0);
    expect(text.out[0]).toMatch(new RegExp(`^Synced 3 products from ${file} \\(table products\\) into ibcatalogue_products on \\S+ in \\d+\\.\\d s\\.$`));
    expect(text.out[1]).toMatch(/^Columns: 20, identifier PRODUCT_IDENTIFIER; as JSONB \(no PostgreSQL type\): TAGS VARCHAR\[\], DIMENSIONS STRUCT/);
    expect(text.err).toContainEqual(expect.stringMatching(/^ibcatalogue_products: 3 rows loaded in/));

    const quiet = await cli("catalogue", "sync", "--from", file, "--database-url", database.url, "--json", "--quiet");
    expect({ code: quiet.code, err: quiet.err, lines: quiet.out.length }).toEqual({ code: 0, err: [], lines: 1 });
    expect(JSON.parse(quiet.out[0]!)).toMatchObject({ table: "ibcatalogue_products", rows: 3, replacedPrevious: true, roles: { identifier: "PRODUCT_IDENTIFIER" } });

    const dirty = await createCatalogueFile(scratch.path("cli-dirty.duckdb"), [insertProducts([...ROWS, ROWS[0]!, catalogueRow(null, "none", "TeSys D", null, 9)])]);
    const refused = await cli("catalogue", "sync", "--from", dirty, "--database-url", database.url, "--json");
    expect(refused.code).toBe(3);
    expect(JSON.parse(refused.out[0]!)).toEqual({ error: { code: "CATALOGUE_SYNC_REFUSED", message: expect.stringMatching(/1 rows have no identifier.*1 rows repeat an identifier/) } });
    expect(await database.sql("SELECT count(*)::int AS n FROM ibcatalogue_products")).toEqual([{ n: 3 }]);
    const told = await cli("catalogue", "sync", "--from", dirty, "--database-url", database.url, "--on-duplicate", "last", "--on-null", "skip", "--quiet");
    expect(told.code, told.err.join("\n")).toBe(0);
    expect(told.out[2]).toBe("Left out: 1 without an identifier, 1 repeating an identifier.");

    const missing = await cli("catalogue", "sync", "--from", scratch.path("nowhere.duckdb"), "--database-url", database.url, "--json");
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.out[0]!)).toEqual({ error: { code: "CATALOGUE_SOURCE_INVALID", message: expect.stringMatching(/the file does not exist/) } });
    expect(missing.err).toEqual([expect.stringMatching(/^Error: Cannot use the catalogue .*nowhere\.duckdb: the file does not exist$/)]);
  });

  it("--table and --id-column name another table and identifier column", async () => {
    const file = await createCatalogueFile(scratch.path("cli-named.duckdb"), ["INSERT INTO catalogue VALUES ('LC1D09M7', 'TeSys D', 1.5)"], "CREATE TABLE catalogue (REF VARCHAR, RANGE_NAME VARCHAR, PRICE DOUBLE)");
    const missingColumn = await cli("catalogue", "sync", "--from", file, "--table", "catalogue", "--database-url", database.url);
    expect(missingColumn.code).toBe(1);
    expect(missingColumn.err.join("\n")).toMatch(/no identifier column "PRODUCT_IDENTIFIER".*--id-column/);
    const synced = await cli("catalogue", "sync", "--from", file, "--table", "catalogue", "--id-column", "ref", "--database-url", database.url, "--json", "--quiet");
    expect(synced.code, synced.err.join("\n")).toBe(0);
    expect(JSON.parse(synced.out[0]!)).toMatchObject({ source: { table: "catalogue" }, rows: 1, roles: { identifier: "REF" } });
    expect(await database.sql(`SELECT "REF", "RANGE_NAME", "PRICE" FROM ibcatalogue_products`)).toEqual([{ REF: "LC1D09M7", RANGE_NAME: "TeSys D", PRICE: 1.5 }]);
  });
});
