import { execFile, execFileSync } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { findFreePort } from "../../src/embedded/embedded-postgres-server.ts";
import { POSTGRES_BIN, createSoakCluster, type SoakCluster } from "./soak-cluster.ts";

const run = promisify(execFile);

/** The bench's own primary (a {@link SoakCluster}) and one streaming replica of it. */
export interface ReplicaPair {
  readonly primary: SoakCluster;
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` of the replica (trust on loopback). */
  readonly replicaAdminUrl: string;
  /** Stops both servers and deletes their folders. */
  destroy(): void;
}

/**
 * Creates the bench's own primary (the shared server is never touched), lets `load` fill it, then makes a
 * streaming replica of it with `pg_basebackup -R` (hot standby) and waits until it has replayed everything.
 */
export async function createReplicaPair(log: (line: string) => void, load: (adminUrl: string) => Promise<void>): Promise<ReplicaPair> {
  const primary = await createSoakCluster(log);
  const asPostgres = process.getuid?.() === 0;
  const binary = (name: string, args: string[]): [string, string[]] =>
    asPostgres ? ["runuser", ["-u", "postgres", "--", join(POSTGRES_BIN, name), ...args]] : [join(POSTGRES_BIN, name), args];
  const data = join(primary.folder, "replica");
  // Synchronous, as the primary's: from a signal handler nothing else runs before the folders are gone.
  const destroy = () => {
    try {
      const [command, args] = binary("pg_ctl", ["-D", data, "-w", "stop", "-m", "immediate"]);
      execFileSync(command, args, { stdio: "ignore" });
    } catch {
      // Not started, or already stopped.
    }
    primary.destroy();
  };
  try {
    await load(primary.adminUrl);
    const began = performance.now();
    await run(...binary("pg_basebackup", ["-D", data, "-R", "-X", "stream", "-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres", "--no-sync", "--checkpoint=fast"]));
    const port = await findFreePort();
    const options = ["-c listen_addresses=127.0.0.1", `-c port=${port}`, `-c unix_socket_directories=${primary.folder}`, "-c max_connections=100", "-c shared_buffers=256MB", "-c hot_standby=on"].join(" ");
    await run(...binary("pg_ctl", ["-D", data, "-w", "-t", "120", "start", "-l", join(primary.folder, "replica.log"), "-o", options]));
    const replicaAdminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    await waitForReplay(primary.adminUrl, replicaAdminUrl);
    log(`streaming replica on 127.0.0.1:${port} (pg_basebackup -R) ready in ${((performance.now() - began) / 1000).toFixed(1)} s`);
    return { primary, replicaAdminUrl, destroy };
  } catch (error) {
    destroy();
    throw error;
  }
}

async function waitForReplay(primaryUrl: string, replicaUrl: string): Promise<void> {
  const one = async <T>(url: string, text: string, values: unknown[] = []): Promise<T | undefined> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(text, values)).rows[0] as T | undefined;
    } finally {
      await client.end();
    }
  };
  const target = await one<{ lsn: string }>(primaryUrl, "SELECT pg_current_wal_lsn()::text AS lsn");
  for (let attempt = 0; attempt < 1200; attempt++) {
    const row = await one<{ ok: boolean }>(replicaUrl, "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok", [target?.lsn]).catch(() => undefined);
    if (row?.ok) return;
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
  }
  throw new Error("the replica did not catch up within 120 s");
}
