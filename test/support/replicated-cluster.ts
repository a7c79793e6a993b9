import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { freePort, giveToServerUser, startOwnPostgresCluster, type OwnPostgresCluster } from "./own-postgres-cluster.ts";

const BIN = "/usr/lib/postgresql/15/bin";

/** A primary of the test's own and one streaming replica of it (`pg_basebackup -R`), both PostgreSQL 15. */
export interface ReplicatedCluster {
  readonly primary: OwnPostgresCluster;
  /** The replica's port (on `localhost`); user `postgres` with the primary's password. */
  readonly replicaPort: number;
  /** `postgresql://postgres:…@localhost:<port>/<database>` of the primary. */
  primaryUrl(database: string): string;
  /** The same database on the replica. */
  replicaUrl(database: string): string;
  /** Runs SQL on the primary or the replica (a short session); returns the rows. */
  sql<R extends pg.QueryResultRow>(server: "primary" | "replica", database: string, text: string, values?: unknown[]): Promise<R[]>;
  /** Waits until the replica has replayed everything the primary has written so far. */
  waitForReplay(): Promise<void>;
  /** Pauses WAL replay on the replica (`pg_wal_replay_pause()`): it keeps receiving, its data stands still. */
  pauseReplay(): Promise<void>;
  /** Resumes WAL replay. */
  resumeReplay(): Promise<void>;
  /** Stops the replica (immediate shutdown: connections are cut). */
  stopReplica(): void;
  /** Starts the stopped replica again; resolves once it accepts connections. */
  startReplica(): void;
  /** Stops both servers and deletes their folders. */
  destroy(): Promise<void>;
}

/**
 * Starts a primary and a streaming replica made from it by `pg_basebackup -R` (hot standby, so that it
 * serves reads). The replica's folder sits in the primary's, owned by the postgres user.
 */
export async function startReplicatedCluster(password: string): Promise<ReplicatedCluster> {
  const primary = await startOwnPostgresCluster({ password, settings: () => ({ wal_level: "replica", max_wal_senders: "4" }) });
  const replicaData = join(primary.folder, "replica");
  const replicaSocket = join(primary.folder, "replica-socket");
  for (const directory of [replicaData, replicaSocket]) {
    mkdirSync(directory, { mode: 0o700 });
    giveToServerUser(directory);
  }
  const replicaPort = await freePort();
  const asServer = (command: string, args: string[]) => {
    const asRoot = process.getuid?.() === 0;
    execFileSync(asRoot ? "runuser" : command, asRoot ? ["-u", "postgres", "--", command, ...args] : args, {
      cwd: primary.folder,
      stdio: "pipe",
      env: { ...process.env, PGPASSWORD: password },
    });
  };
  asServer(`${BIN}/pg_basebackup`, ["-D", replicaData, "-R", "-X", "stream", "-h", "localhost", "-p", String(primary.port), "-U", "postgres", "--no-sync", "--checkpoint=fast"]);
  const serverOptions = `-p ${replicaPort} -c listen_addresses=localhost -c unix_socket_directories=${replicaSocket} -c fsync=off -c hot_standby=on`;
  const log = join(replicaData, "server.log");
  const pgCtl = (...args: string[]) => asServer(`${BIN}/pg_ctl`, ["-D", replicaData, "-w", "-t", "30", ...args]);
  pgCtl("-l", log, "-o", serverOptions, "start");
  const stopOnExit = () => {
    try {
      pgCtl("-m", "immediate", "stop");
    } catch {
      // Already stopped.
    }
  };
  process.once("exit", stopOnExit);

  const urlOf = (port: number, database: string) => `postgresql://postgres:${encodeURIComponent(password)}@localhost:${port}/${database}`;
  const sql = async <R extends pg.QueryResultRow>(server: "primary" | "replica", database: string, text: string, values?: unknown[]) => {
    const client = new pg.Client({ connectionString: urlOf(server === "primary" ? primary.port : replicaPort, database) });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  const cluster: ReplicatedCluster = {
    primary,
    replicaPort,
    primaryUrl: (database) => urlOf(primary.port, database),
    replicaUrl: (database) => urlOf(replicaPort, database),
    sql,
    async waitForReplay() {
      const [target] = await sql<{ lsn: string }>("primary", "postgres", "SELECT pg_current_wal_lsn()::text AS lsn");
      for (let attempt = 0; attempt < 300; attempt++) {
        const [row] = await sql<{ caught_up: boolean }>("replica", "postgres", "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS caught_up", [target!.lsn]);
        if (row?.caught_up) return;
        await new Promise((resolveDelay) => setTimeout(resolveDelay, 50));
      }
      throw new Error("the replica did not catch up within 15 s");
    },
    async pauseReplay() {
      await sql("replica", "postgres", "SELECT pg_wal_replay_pause()");
    },
    async resumeReplay() {
      await sql("replica", "postgres", "SELECT pg_wal_replay_resume()");
    },
    stopReplica() {
      pgCtl("-m", "immediate", "stop");
    },
    startReplica() {
      pgCtl("-l", log, "-o", serverOptions, "start");
    },
    async destroy() {
      process.removeListener("exit", stopOnExit);
      try {
        stopOnExit();
      } finally {
        rmSync(replicaData, { recursive: true, force: true });
        await primary.destroy();
      }
    },
  };
  await cluster.waitForReplay();
  return cluster;
}
