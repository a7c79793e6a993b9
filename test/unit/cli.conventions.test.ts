import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useBuiltCli } from "../support/cli-runs.ts";

// The built CLI, run as a user runs it, with no database configured.
const cli = useBuiltCli();

const version = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

describe("se-letters-db conventions (the built CLI)", () => {
  it("--version, -v and version print the package's version and exit 0", async () => {
    for (const flag of ["--version", "-v", "version"]) expect(await cli(flag)).toEqual({ code: 0, out: [version], err: [] });
  });

  it("a command's --help prints that command's usage only, on stdout, exit 0", async () => {
    const { code, out, err } = await cli("import", "--help");
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out.join("\n")).toMatch(/se-letters-db import --from FILE/);
    expect(out.join("\n")).not.toMatch(/se-letters-db (migrate|verify|demo|status|roles)/);
    expect((await cli("migrate", "-h")).out.join("\n")).not.toMatch(/se-letters-db import/);
  });

  it("--help alone prints every command's usage, exit 0", async () => {
    const { code, out } = await cli("--help");
    expect(code).toBe(0);
    for (const command of ["migrate", "status", "roles", "import", "verify", "export", "rehearse", "stats", "check", "catalogue sync", "demo"]) expect(out.join("\n")).toContain(`se-letters-db ${command}`);
  });

  it("usage errors are one line on stderr naming the problem and where help is, exit 2, nothing on stdout", async () => {
    for (const argv of [["import", "--no-such-flag"], ["import"], ["migrate", "extra"], ["frobnicate"], []]) {
      const { code, out, err } = await cli(...argv);
      expect({ argv, code, out, lines: err.length }).toEqual({ argv, code: 2, out: [], lines: 1 });
      expect(err[0]).toMatch(/--help/);
    }
    expect((await cli("import")).err[0]).toBe("import needs --from FILE (the DuckDB file) (see se-letters-db import --help)");
  });

  it("with --json, stdout is JSON even when the command fails: {error: {code, message}}, the line on stderr too", async () => {
    const usage = await cli("import", "--json", "--no-such-flag");
    expect(usage.code).toBe(2);
    expect(usage.out).toHaveLength(1);
    expect(JSON.parse(usage.out[0]!)).toEqual({ error: { code: "USAGE", message: expect.stringMatching(/no-such-flag.*see se-letters-db import --help/) } });
    expect(usage.err).toHaveLength(1);

    const configuration = await cli("status", "--json", "--database-url", "mysql://someone:Hunter2-secret@db/letters");
    expect(configuration.code).toBe(1);
    expect(JSON.parse(configuration.out[0]!)).toEqual({
      error: { code: "CONFIGURATION_INVALID", message: expect.stringMatching(/databaseUrl: must start with postgresql:\/\//) },
    });
    expect(configuration.out.join("") + configuration.err.join("")).not.toContain("Hunter2-secret");
  });

  it("import, verify and export need a target: with no database setting and no --embedded, one line and exit 2", async () => {
    for (const [command, flag] of [["import", "--from"], ["verify", "--from"], ["export", "--to"]] as const) {
      const { code, out, err } = await cli(command, flag, "letters.duckdb");
      expect({ code, out }).toEqual({ code: 2, out: [] });
      expect(err).toEqual([`${command} needs a target database: --database-url URL, DATABASE_URL or the DB_* variables, or --embedded for a rehearsal on an embedded PostgreSQL (see se-letters-db ${command} --help)`]);
    }
  });
});
