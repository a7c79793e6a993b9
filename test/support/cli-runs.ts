import { spawnSync } from "node:child_process";
import { runCli } from "../../src/cli/run-cli.ts";
import { useBundledEntry } from "./bundle-entry.ts";

/** Runs `se-letters-db ARGS` in this process; stdout and stderr come back as text, one line per printed line. */
export async function runCliInProcess(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, (line) => out.push(line), (line) => err.push(line));
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/**
 * The built CLI (bundled as tsup bundles it, packages external), run in a child process as a user runs it,
 * with no database configured (no `DB_*` variable, a blank `DATABASE_URL`, which counts as none) whatever
 * the environment running the tests has. Call at the top of a test file.
 */
export function useBuiltCli(): (...argv: string[]) => Promise<{ code: number | null; out: string[]; err: string[] }> {
  const bundleCli = useBundledEntry("src/cli/main.ts");
  return async (...argv) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("DB_")));
    const result = spawnSync(process.execPath, [await bundleCli(), ...argv], { encoding: "utf8", env: { ...env, DATABASE_URL: " " } });
    const lines = (text: string) => (text === "" ? [] : text.replace(/\n$/, "").split("\n"));
    return { code: result.status, out: lines(result.stdout), err: lines(result.stderr) };
  };
}
