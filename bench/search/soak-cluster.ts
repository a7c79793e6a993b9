import { execFile, execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { findFreePort } from "../../src/embedded/embedded-postgres-server.ts";

const run = promisify(execFile);

/** Debian's PostgreSQL 15 binaries (package postgresql-15). */
export const POSTGRES_BIN = "/usr/lib/postgresql/15/bin";

/**
 * A PostgreSQL cluster the soak creates for itself (initdb in a fresh temporary folder, a free loopback
 * port, trust authentication for its own user), so that it may restart it: the machine's shared server
 * is never touched. As root the binaries run as the `postgres` user, which owns the folder.
 */
export interface SoakCluster {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres`: no password (trust on loopback only). */
  readonly adminUrl: string;
  readonly port: number;
  readonly folder: string;
  /**
   * `pg_ctl stop -m fast`, then `pg_ctl start`, each waiting; returns the seconds each took and the
   * server log's summary of the shutdown checkpoint (most of a fast stop), when it logged one.
   */
  restart(): Promise<{ stopSeconds: number; startSeconds: number; shutdownCheckpoint: string | null }>;
  /**
   * Stops the server (immediate mode) and deletes the folder, synchronously: from a signal handler no
   * connection's error event can run (and crash the process) before the folder is gone. Safe to call
   * more than once.
   */
  destroy(): void;
}

/** Creates, configures and starts the soak's own cluster. */
export async function createSoakCluster(log: (line: string) => void): Promise<SoakCluster> {
  const asPostgres = process.getuid?.() === 0;
  const folder = mkdtempSync(join(tmpdir(), "se-letters-soak-"));
  // mkdtemp makes a 700 folder: the postgres user must own it to create the data folder inside.
  chmodSync(folder, 0o755);
  if (asPostgres) chownSync(folder, Number(execFileSync("id", ["-u", "postgres"]).toString()), Number(execFileSync("id", ["-g", "postgres"]).toString()));
  const data = join(folder, "data");
  const port = await findFreePort();
  const pgCtl = (args: string[]) => runBinary(asPostgres, "pg_ctl", ["-D", data, "-w", "-t", "120", ...args]);
  let destroyed = false;
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    const [command, args] = binaryCommand(asPostgres, "pg_ctl", ["-D", data, "-w", "stop", "-m", "immediate"]);
    try {
      execFileSync(command, args, { stdio: "ignore" });
    } catch {
      // Not running (never started, or already stopped): nothing to stop.
    }
    rmSync(folder, { recursive: true, force: true });
  };

  const serverOptions = ["-c listen_addresses=127.0.0.1", `-c port=${port}`, `-c unix_socket_directories=${folder}`, "-c max_connections=100", "-c shared_buffers=256MB"].join(" ");
  const start = () => pgCtl(["start", "-l", join(folder, "server.log"), "-o", serverOptions]);
  try {
    await runBinary(asPostgres, "initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
    await start();
    log(`own PostgreSQL cluster: ${data} on 127.0.0.1:${port} (the shared server on 5432 is not touched)`);
  } catch (error) {
    destroy();
    throw error;
  }

  return {
    adminUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    folder,
    async restart() {
      let began = performance.now();
      await pgCtl(["stop", "-m", "fast"]);
      const stopSeconds = (performance.now() - began) / 1000;
      const checkpoints = readFileSync(join(folder, "server.log"), "utf8").match(/checkpoint complete: wrote \d+ buffers[^;]*;.*?total=[\d.]+ s/g);
      began = performance.now();
      await start();
      return { stopSeconds, startSeconds: (performance.now() - began) / 1000, shutdownCheckpoint: checkpoints?.at(-1)?.replace(/;.*?total=/, ", total ") ?? null };
    },
    destroy,
  };
}

/** The command line that runs binary `name` of {@link POSTGRES_BIN}, as the postgres user when root. */
function binaryCommand(asPostgres: boolean, name: string, args: string[]): [string, string[]] {
  const binary = join(POSTGRES_BIN, name);
  return asPostgres ? ["runuser", ["-u", "postgres", "--", binary, ...args]] : [binary, args];
}

async function runBinary(asPostgres: boolean, name: string, args: string[]): Promise<void> {
  try {
    await run(...binaryCommand(asPostgres, name, args));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`${name} ${args.join(" ")} failed${stderr ? `: ${stderr}` : ""}`, { cause: error });
  }
}
