import { existsSync, readdirSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../support/cli-runs.ts";
import { createSampleLettersDuckDb } from "../../src/importer/sample-letters-duckdb.ts";
import { databaseUrlFor } from "../support/database-url-for.ts";
import { createDuckDbFile, insertLetter, useScratchFolder } from "../support/duckdb-files.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const scratch = useScratchFolder();

const cli = runCliInProcess;

describe("se-letters-db export", () => {
  it("exports with a summary and progress (0), refuses an existing file (5) unless --force, and verify --from passes on the file (0)", async () => {
    const source = scratch.path("cli-source.duckdb");
    await createSampleLettersDuckDb(source, { letters: 150, productsPerLetter: 2, debugStepsPerLetter: 1 });
    expect((await cli("import", "--from", source, "--database-url", database.url, "--quiet")).code).toBe(0);
    const target = scratch.path("cli-export.duckdb");

    const first = await cli("export", "--to", target, "--database-url", database.url);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/^letters\s+150\s+[\d.]+\s+[\d,]+\s+151$/m);
    expect(first.out).toMatch(/^letter_products\s+300\s/m);
    expect(first.out).toContain("File verified");
    expect(first.err).toMatch(/^letters: 150 rows loaded in/m);

    const again = await cli("export", "--to", target, "--database-url", database.url, "--json");
    expect(again.code).toBe(5);
    expect(JSON.parse(again.out)).toEqual({ error: { code: "EXPORT_TARGET_EXISTS", message: expect.stringContaining("--force") } });

    const forced = await cli("export", "--to", target, "--database-url", database.url, "--force", "--json", "--quiet");
    expect(forced.code).toBe(0);
    expect(forced.err, "--quiet: no progress").toBe("");
    expect(JSON.parse(forced.out)).toMatchObject({ outcome: "exported", replaced: true, verification: { ok: true } });
    expect(readdirSync(dirname(target)).filter((name) => name.includes("cli-export"))).toEqual(["cli-export.duckdb"]);

    const verify = await cli("verify", "--from", target, "--database-url", database.url);
    expect(verify.code, verify.out).toBe(0);
    expect(verify.out).toContain("Verification passed");
  });

  it("needs --to (usage, 2) and a database (usage, 2)", async () => {
    expect(await cli("export")).toMatchObject({ code: 2, err: expect.stringContaining("export needs --to FILE") });
    expect((await cli("export", "--to", scratch.path("never.duckdb"), "--database-url", database.url, "--embedded")).code).toBe(2);
    expect(existsSync(scratch.path("never.duckdb"))).toBe(false);
  });
});

describe("se-letters-db rehearse", () => {
  it("on the demo's sample data: migrate, import, verify, export, compare; exact, exit 0, with the commands for the cut-over and the way back", async () => {
    const source = scratch.path("rehearse-sample.duckdb");
    await createSampleLettersDuckDb(source, { letters: 300 });
    const scratchUrl = databaseUrlFor(database.adminUrl, await database.createEmptyDatabase());
    const { code, out, err } = await cli("rehearse", "--from", source, "--database-url", scratchUrl);
    expect(code, `${out}\n${err}`).toBe(0);
    for (const step of ["migrate", "import", "verify", "export", "compare"]) expect(out).toMatch(new RegExp(`^  ${step}\\s+[\\d.]+ s$`, "m"));
    expect(out).toMatch(/^letter_products\s+1,500\s+1,500\s+0\s+1,500$/m);
    expect(out).toContain("Round trip EXACT");
    expect(out).toContain(`npx se-letters-db import --from ${source}`);
    expect(out).toContain(`npx se-letters-db export --to ${source}.from-postgres.duckdb`);
    expect(out).not.toContain("Difference:");
  });

  it("lists the rows import would reject and every difference they make, exit 4", async () => {
    const source = await createDuckDbFile(scratch.path("rehearse-bad.duckdb"), [
      insertLetter(1),
      insertLetter(2, "document_title='x' || chr(0)"),
      "INSERT INTO letter_products (id, letter_id) VALUES (1, 2), (2, 1)",
    ]);
    const scratchUrl = databaseUrlFor(database.adminUrl, await database.createEmptyDatabase());
    const { code, out } = await cli("rehearse", "--from", source, "--database-url", scratchUrl, "--quiet");
    expect(code, out).toBe(4);
    expect(out).toContain("Import would reject: letters id 2, document_title: text contains a NUL character");
    expect(out).toContain("Import would reject: letter_products id 1, letter_id: its parent letters id 2 was rejected");
    expect(out).toContain("Difference: letters id 2: missing from the copy");
    expect(out).toContain("Difference: letter_products id 1: missing from the copy");
    expect(out).toContain("--on-error skip --rejects");
    expect(out).toContain("Round trip NOT exact");
  });
});
