import { describe, expect, it } from "vitest";
import { useBuiltCli } from "../support/cli-runs.ts";

// The built CLI, run as a user runs it, with no database configured.
const cli = useBuiltCli();

describe("se-letters-db stats and check conventions (the built CLI)", () => {
  it("--help prints the command's own usage: check lists every threshold with its default and the exit codes", async () => {
    const stats = await cli("stats", "--help");
    expect({ code: stats.code, err: stats.err }).toEqual({ code: 0, err: [] });
    expect(stats.out.join("\n")).toMatch(/se-letters-db stats \[--database-url URL\]/);
    expect(stats.out.join("\n")).not.toMatch(/se-letters-db (check|import|migrate)/);

    const check = (await cli("check", "-h")).out.join("\n");
    for (const [flag, value] of [["max-connection-use", "0.8"], ["max-idle-in-transaction-seconds", "300"], ["max-lock-wait-seconds", "5"], ["max-transaction-id-age", "1000000000"]] as const) {
      expect(check).toMatch(new RegExp(`^ +--${flag} +${value.replace(".", "\\.")}$`, "m"));
    }
    expect(check).toContain("Exit codes: 0 no breach, 1 a threshold breached (or the server unreachable), 2 wrong usage.");
    expect((await cli("--help")).out.join("\n")).toMatch(/se-letters-db stats[\s\S]*se-letters-db check/);
  });

  it("usage errors are one line on stderr, exit 2, nothing on stdout; with --json the error is JSON on stdout", async () => {
    for (const argv of [["stats", "--no-such-flag"], ["check", "--max-lock-wait-seconds"], ["check", "extra"], ["check", "--max-dead-ratio", "-1"]]) {
      const { code, out, err } = await cli(...argv);
      expect({ argv, code, out, lines: err.length }).toEqual({ argv, code: 2, out: [], lines: 1 });
      expect(err[0]).toMatch(/\(see se-letters-db (stats|check) --help\)$/);
    }
    const json = await cli("check", "--json", "--max-connection-use", "x");
    expect(json.code).toBe(2);
    expect(JSON.parse(json.out[0]!)).toEqual({ error: { code: "USAGE", message: '--max-connection-use needs a number, got "x" (see se-letters-db check --help)' } });
  });

  it("without a database setting, stats and check fail with the configuration error (exit 1), as JSON with --json", async () => {
    for (const command of ["stats", "check"]) {
      const { code, out } = await cli(command, "--json");
      expect(code).toBe(1);
      expect(JSON.parse(out[0]!)).toMatchObject({ error: { code: "CONFIGURATION_INVALID" } });
    }
  });
});
