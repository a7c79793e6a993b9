import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../support/cli-runs.ts";
import { createSampleLettersDuckDb } from "../../src/importer/sample-letters-duckdb.ts";
import { createDuckDbFile, insertLetter, useScratchFolder } from "../support/duckdb-files.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const scratch = useScratchFolder();

const cli = runCliInProcess;

const counts = async () => database.sql("SELECT (SELECT count(*)::int FROM letters) AS letters, (SELECT count(*)::int FROM letter_products) AS products");

describe("se-letters-db import and verify", () => {
  it("imports with a summary table and plain progress lines, refuses a filled target (5), dry-runs without writing, verifies (0) and finds differences (4)", async () => {
    const file = scratch.path("cli.duckdb");
    const other = scratch.path("cli-other.duckdb");
    await createSampleLettersDuckDb(file, { letters: 120, productsPerLetter: 2 });
    await createSampleLettersDuckDb(other, { letters: 30, productsPerLetter: 1 });

    const first = await cli("import", "--from", file, "--database-url", database.url);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^letters\s+120\s+120\s+0\s/m);
    expect(first.out).toMatch(/^letter_products\s+240\s+240\s+0\s/m);
    expect(first.out).toContain("Verification passed");
    expect(first.err).toMatch(/^letters: 120 rows loaded in/m);

    const again = await cli("import", "--from", file, "--database-url", database.url);
    expect(again.code).toBe(5);
    expect(again.err).toContain("already holds rows");

    const dry = await cli("import", "--from", other, "--database-url", database.url, "--replace", "--dry-run", "--json");
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.out)).toMatchObject({ outcome: "dry-run", committed: false, verification: { ok: true } });
    expect(await counts()).toEqual([{ letters: 120, products: 240 }]);
    const quiet = await cli("import", "--from", other, "--database-url", database.url, "--replace", "--dry-run", "--quiet");
    expect(quiet.code).toBe(0);
    expect(quiet.err, "--quiet: no progress").toBe("");
    expect(quiet.out).toMatch(/^letters\s+30\s+30\s+0\s/m);

    expect((await cli("verify", "--from", file, "--database-url", database.url)).code).toBe(0);
    await database.sql("DELETE FROM processing_debug WHERE id = 5");
    const verify = await cli("verify", "--from", file, "--database-url", database.url, "--json");
    expect(verify.code).toBe(4);
    expect(JSON.parse(verify.out).differences).toEqual(["processing_debug: 480 rows expected from the source, 479 in PostgreSQL"]);
  });

  it("bad rows: exit 3 in stop mode; skip needs --rejects (usage, 2); skip with --rejects imports the rest (0) and verify accounts for the listed rows", async () => {
    const file = await createDuckDbFile(scratch.path("cli-bad.duckdb"), [insertLetter(1), insertLetter(2, "document_title='x' || chr(0)"), "INSERT INTO letter_products (id, letter_id) VALUES (1, 2), (2, 1)"]);
    const url = database.url;
    await database.sql("TRUNCATE letters, letter_products, letter_product_matches, processing_debug");
    const stop = await cli("import", "--from", file, "--database-url", url);
    expect(stop.code).toBe(3);
    expect(stop.out).toContain("Bad row: letters id 2, document_title: text contains a NUL character");
    expect(stop.out).toContain("Bad row: letter_products id 1, letter_id: its parent letters id 2 was rejected");
    expect((await cli("import", "--from", file, "--database-url", url, "--on-error", "skip")).code).toBe(2);
    expect((await cli("import", "--from", file, "--database-url", url, "--on-error", "maybe")).code).toBe(2);
    const rejects = scratch.path("cli-rejects.jsonl");
    const skip = await cli("import", "--from", file, "--database-url", url, "--on-error", "skip", "--rejects", rejects, "--json");
    expect(skip.code).toBe(0);
    expect(JSON.parse(skip.out)).toMatchObject({ outcome: "imported", rejectedTotal: 2, verification: { ok: true } });
    expect((await cli("verify", "--from", file, "--database-url", url)).code).toBe(4);
    const listed = await cli("verify", "--from", file, "--database-url", url, "--rejects", rejects);
    expect(listed.out).toContain("Verification passed");
    expect(listed.code).toBe(0);
  });

  it("names a bad source column and never prints a password", async () => {
    const file = await createDuckDbFile(scratch.path("cli-extra.duckdb"), ["ALTER TABLE letter_products ADD COLUMN legacy TEXT", insertLetter(1)]);
    const secretUrl = database.url.replace("//", "//intruder:s3cr3t-pw@");
    const extra = await cli("import", "--from", file, "--database-url", database.url);
    expect(extra.code).toBe(1);
    expect(extra.err).toContain("--ignore-column letter_products.legacy");
    const unreachable = await cli("import", "--from", file, "--database-url", "postgresql://intruder:s3cr3t-pw@127.0.0.1:1/nowhere");
    expect(unreachable.code).toBe(1);
    const wrongLogin = await cli("verify", "--from", file, "--database-url", secretUrl);
    expect(wrongLogin.code).toBe(1);
    expect(`${unreachable.out}${unreachable.err}${wrongLogin.out}${wrongLogin.err}`).not.toContain("s3cr3t-pw");
    expect((await cli("import", "--from", file, "--database-url", database.url, "--bogus")).code).toBe(2);
  });
});
