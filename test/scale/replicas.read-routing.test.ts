import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase, type DatabaseClient } from "../../src/client/database-client.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { migrate } from "../../src/migrate/migrate.ts";
import { startReplicatedCluster, type ReplicatedCluster } from "../support/replicated-cluster.ts";
import { startTcpProxy } from "../support/tcp-proxy.ts";

const DATABASE = "letters";
const MAX_LAG_MS = 3_000;

let cluster: ReplicatedCluster;

beforeAll(async () => {
  cluster = await startReplicatedCluster("replica-test-password");
  await cluster.sql("primary", "postgres", `CREATE DATABASE ${DATABASE}`);
  await migrate({ databaseUrl: cluster.primaryUrl(DATABASE), env: {} });
  await cluster.waitForReplay();
}, 120_000);

afterAll(async () => {
  await cluster?.destroy();
});

const letter = (name: string) => ({
  documentName: `${name}.pdf`,
  sourceFilePath: `/letters/${name}.pdf`,
  fileHash: `sha256:${name}`,
  products: [{ productIdentifier: `${name}-1` }],
  debugSteps: [{ processingStep: "ocr" }],
});

/** A client on the primary with the replica; the lag measured every 50 ms. */
function connectWithReplica(): Promise<DatabaseClient> {
  return connectDatabase({
    databaseUrl: cluster.primaryUrl(DATABASE),
    replicas: [cluster.replicaUrl(DATABASE)],
    maxReplicaLagMs: MAX_LAG_MS,
    replicaCheckIntervalMs: 50,
    env: {},
  });
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 25));
  }
}

/** The application names of the sessions on `server` connected to the letters database. */
async function applicationsOn(server: "primary" | "replica"): Promise<string[]> {
  const rows = await cluster.sql<{ application_name: string }>(
    server,
    "postgres",
    "SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() ORDER BY 1",
    [DATABASE],
  );
  return rows.map((row) => row.application_name);
}

describe("read replicas: a primary and a streaming replica (pg_basebackup -R)", () => {
  it("sends the repository's reads to the replica and its writes and transactions to the primary", async () => {
    const db = await connectWithReplica();
    try {
      const letters = new LetterRepository(db.prisma);
      const stored = await letters.create(letter("routing")); // a transaction: the replica would refuse it (read-only)
      await letters.setStatus(stored.id, "processed"); // a one-statement write
      await cluster.waitForReplay();
      await until(() => db.replicaStatus()[0]?.state === "serving", "the replica is measured as caught up");
      const before = db.readCounts();

      expect((await letters.getById(stored.id, { products: true })).products).toHaveLength(1);
      expect(await letters.findByFileHash("sha256:routing")).toHaveLength(1);
      expect((await letters.search({ status: "processed" })).total).toBe(1);
      expect((await letters.searchByCursor({ limit: 5 })).data).toHaveLength(1);
      expect((await letters.getStatistics()).totalLetters).toBe(1);

      // Counted per statement: the page and the total of search() are two.
      expect(db.readCounts()).toEqual({ replica: before.replica + 6, primary: before.primary });
      // Each pool shows itself by application_name: the replica served only the replica's read pool, whose
      // last statements were the repository's reads, and its lag check; the primary pool never connected to it.
      expect(await applicationsOn("replica")).toEqual(["se-letters-db replica 1", "se-letters-db replica 1 lag check"]);
      expect(await applicationsOn("primary")).toEqual(["se-letters-db"]);
      const replicaStatements = await cluster.sql<{ query: string }>(
        "replica",
        "postgres",
        "SELECT query FROM pg_stat_activity WHERE datname = $1 AND application_name = 'se-letters-db replica 1'",
        [DATABASE],
      );
      expect(replicaStatements.some((row) => /FROM letters/i.test(row.query))).toBe(true);
      expect(await cluster.sql("primary", DATABASE, "SELECT 1 FROM letters WHERE id = $1 AND status = 'processed'", [stored.id])).toHaveLength(1);
    } finally {
      await db.close();
    }
  });

  it("keeps writes on the primary when a client's first call was a read (no routing context outlives its call)", async () => {
    const db = await connectWithReplica();
    try {
      const letters = new LetterRepository(db.prisma);
      expect(await letters.findByFileHash("sha256:first-read")).toEqual([]); // the client's first statement, on the replica
      expect(db.readCounts().replica).toBe(1);
      const [seed] = await cluster.sql<{ id: number }>("primary", DATABASE, "INSERT INTO letters (document_name, source_file_path, file_hash) VALUES ('first-read.pdf', '/first-read.pdf', 'sha256:first-read') RETURNING id");
      // One-statement writes outside a transaction go through the same pool.query path as reads: the
      // replica would refuse them (read-only), so their success shows they reached the primary.
      expect((await letters.setStatus(seed!.id, "written")).status).toBe("written");
      await letters.appendDebugStep(seed!.id, { processingStep: "after-read" });
      await letters.delete(seed!.id);
      expect(await cluster.sql("primary", DATABASE, "SELECT 1 FROM letters WHERE id = $1", [seed!.id])).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("reads what was just written inside primaryScope; with replay paused, reads go to the primary once the lag bound passes", async () => {
    const db = await connectWithReplica();
    try {
      const letters = new LetterRepository(db.prisma);
      const stored = await letters.create(letter("paused"));
      await cluster.waitForReplay();
      await until(() => db.replicaStatus()[0]?.state === "serving", "the replica is measured as caught up");
      await cluster.pauseReplay();
      try {
        await letters.setStatus(stored.id, "after-pause");
        // Within the bound the replica still serves, and has not replayed the update...
        const fromReplica = await letters.getById(stored.id);
        // ...while read-your-writes sees it, one call or a whole scope.
        const fromPrimary = await db.primaryScope(() => letters.getById(stored.id));
        const scope = await db.primaryScope(async () => {
          await letters.setStatus(stored.id, "in-scope");
          return (await letters.findByFileHash("sha256:paused"))[0]?.status;
        });
        expect(fromReplica.status).toBe("processed");
        expect(fromPrimary.status).toBe("after-pause");
        expect(scope).toBe("in-scope");

        // Once the measured lag passes the bound, the replica is skipped: reads see the primary's data.
        await until(() => (db.replicaStatus()[0]?.lagMs ?? 0) > MAX_LAG_MS, "the replica's measured lag passes the bound", MAX_LAG_MS + 10_000);
        expect(db.replicaStatus()[0]).toMatchObject({ state: "lagging", maxLagSeenMs: expect.any(Number) });
        expect(db.replicaStatus()[0]!.maxLagSeenMs).toBeGreaterThan(MAX_LAG_MS);
        const before = db.readCounts();
        expect((await letters.getById(stored.id)).status).toBe("in-scope");
        expect(db.readCounts()).toEqual({ replica: before.replica, primary: before.primary + 1 });
      } finally {
        await cluster.resumeReplay();
      }
      // Caught up again, it serves again.
      await until(() => db.replicaStatus()[0]?.state === "serving", "the replica serves again after replay resumed");
      const before = db.readCounts();
      expect((await letters.getById(stored.id)).status).toBe("in-scope");
      expect(db.readCounts().replica).toBe(before.replica + 1);
    } finally {
      await db.close();
    }
  });

  it("keeps reads working with the replica stopped, and uses it again once it is back", async () => {
    const db = await connectWithReplica();
    try {
      const letters = new LetterRepository(db.prisma);
      const stored = await letters.create(letter("stopped"));
      await cluster.waitForReplay();
      await until(() => db.replicaStatus()[0]?.state === "serving", "the replica is measured as caught up");
      expect((await letters.getById(stored.id)).id).toBe(stored.id); // opens the replica pool's connection

      cluster.stopReplica();
      try {
        // The replica pool's connection is cut: the first read fails there and the primary answers it.
        for (let read = 0; read < 20; read++) expect((await letters.getById(stored.id)).id).toBe(stored.id);
        expect((await letters.search({ query: "stopped" })).total).toBe(1);
        expect(db.replicaStatus()[0]?.state).toBe("down");
      } finally {
        cluster.startReplica();
      }
      await until(() => db.replicaStatus()[0]?.state === "serving", "the replica serves again after it restarted", 30_000);
      const before = db.readCounts();
      expect((await letters.getById(stored.id)).id).toBe(stored.id);
      expect(db.readCounts().replica).toBe(before.replica + 1);
    } finally {
      await db.close();
    }
  });

  it("stops reading from a replica whose network stalls once its last measurement is older than the lag bound", async () => {
    const proxy = await startTcpProxy(cluster.replicaPort);
    const db = await connectDatabase({
      databaseUrl: cluster.primaryUrl(DATABASE),
      replicas: [`postgresql://postgres:replica-test-password@127.0.0.1:${proxy.port}/${DATABASE}`],
      maxReplicaLagMs: 500,
      replicaCheckIntervalMs: 50,
      statementTimeoutMs: 2_000,
      queryTimeoutMs: 3_000,
      connectionTimeoutMs: 3_000,
      logger: () => undefined,
      env: {},
    });
    try {
      const letters = new LetterRepository(db.prisma);
      const stored = await letters.create(letter("stalled"));
      await cluster.waitForReplay();
      await until(() => db.replicaStatus()[0]?.state === "serving", "the replica is measured as caught up");
      expect((await letters.getById(stored.id)).id).toBe(stored.id);
      expect(db.readCounts().replica).toBe(1);

      proxy.pause(); // bytes are held: no error, no answer, as on a stalled network
      try {
        await until(() => db.replicaStatus()[0]?.state === "lagging", "the unanswered measurements let the last one age past the bound", 5_000);
        // Reads no longer wait on the replica: the primary answers them at once.
        const started = performance.now();
        for (let read = 0; read < 5; read++) expect((await letters.getById(stored.id)).id).toBe(stored.id);
        expect(performance.now() - started).toBeLessThan(1_000);
        expect(db.readCounts()).toMatchObject({ replica: 1, primary: 5 });
      } finally {
        proxy.resume();
      }
      await until(() => db.replicaStatus()[0]?.state === "serving", "the replica serves again once the network resumes", 20_000);
    } finally {
      await db.close();
      await proxy.close();
    }
  });
});
