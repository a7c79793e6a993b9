import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase } from "../../src/client/database-client.ts";
import { checkDatabase } from "../../src/monitoring/check-database.ts";
import { getDatabaseReport } from "../../src/monitoring/database-report.ts";
import { freePort, giveToServerUser, startOwnPostgresCluster, type OwnPostgresCluster } from "../support/own-postgres-cluster.ts";

const BIN = "/usr/lib/postgresql/15/bin";
const PASSWORD = "monitor-replica-pw";

// A primary of this file's own and a streaming replica of it (pg_basebackup -R), on their own ports.
let primary: OwnPostgresCluster;
let replicaData: string;
let replicaPort: number;

function asServerUser(command: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  execFileSync(asRoot ? "runuser" : command, asRoot ? ["-u", "postgres", "--", command, ...args] : args, {
    stdio: "pipe",
    env: { ...process.env, PGPASSWORD: PASSWORD },
  });
}

const replicaCtl = (...args: string[]) => asServerUser(`${BIN}/pg_ctl`, ["-D", replicaData, "-w", "-t", "30", ...args]);

beforeAll(async () => {
  primary = await startOwnPostgresCluster({ password: PASSWORD });
  replicaData = join(primary.folder, "replica");
  mkdirSync(replicaData, { mode: 0o700 });
  giveToServerUser(replicaData);
  asServerUser(`${BIN}/pg_basebackup`, ["-h", "localhost", "-p", String(primary.port), "-U", "postgres", "-D", replicaData, "-R", "-X", "stream"]);
  replicaPort = await freePort();
  const options = `-p ${replicaPort} -c listen_addresses=localhost -c unix_socket_directories=${primary.socketDirectory} -c cluster_name=replica_one -c fsync=off`;
  replicaCtl("-l", join(replicaData, "server.log"), "-o", options, "start");
});

afterAll(async () => {
  try {
    if (replicaData !== undefined) replicaCtl("-m", "immediate", "stop");
  } finally {
    await primary?.destroy();
    if (replicaData !== undefined) rmSync(replicaData, { recursive: true, force: true });
  }
});

const url = (port: number) => `postgresql://postgres:${PASSWORD}@localhost:${port}/postgres`;

async function sql(port: number, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url(port) });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

describe("replicas", () => {
  it("are reported with their state and replay lag; a replica whose replay is held back is alerted", async () => {
    const db = await connectDatabase({ databaseUrl: url(primary.port), env: {} });
    try {
      const streaming = await getDatabaseReport(db);
      expect(streaming.problems).toEqual([]);
      expect(streaming.replicas).toEqual([expect.objectContaining({ name: "replica_one", state: "streaming", syncState: "async" })]);
      expect(streaming.replicas[0]!.replayLagBytes).toBeGreaterThanOrEqual(0);

      await sql(replicaPort, "SELECT pg_wal_replay_pause()");
      await sql(primary.port, "CREATE TABLE monitor_replicated AS SELECT generate_series(1, 10000) AS n");
      let lagging = await getDatabaseReport(db);
      for (let attempt = 0; attempt < 50 && (lagging.replicas[0]?.replayLagSeconds ?? 0) <= 1; attempt++) {
        await new Promise((resolveDelay) => setTimeout(resolveDelay, 200));
        await sql(primary.port, "INSERT INTO monitor_replicated VALUES (0)");
        lagging = await getDatabaseReport(db);
      }
      expect(lagging.replicas[0]!.replayLagBytes).toBeGreaterThan(0);
      expect(lagging.replicas[0]!.replayLagSeconds).toBeGreaterThan(1);

      const result = await checkDatabase(db, { thresholds: { maxReplicaLagSeconds: 1 } });
      expect(result.breaches).toContainEqual(expect.objectContaining({ check: "replica-lag", subject: "replica_one", threshold: 1 }));
    } finally {
      await sql(replicaPort, "SELECT pg_wal_replay_resume()").catch(() => undefined);
      await db.close();
    }
  });
});
