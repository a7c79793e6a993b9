import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase, type ConnectOptions, type DatabaseClient } from "../../src/client/database-client.ts";
import { isDatabaseError } from "../../src/errors.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { withLockHeld } from "../support/held-lock.ts";
import { useProcessErrorSpy } from "../support/process-error-spy.ts";
import { startRestartablePostgres, type RestartablePostgres } from "../support/restartable-postgres.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.ts";

// Every fault here is done to a server this file starts itself (and to a proxy in front of it), never to
// the shared test server.
let server: RestartablePostgres;
let proxy: TcpProxy;
useProcessErrorSpy();

beforeAll(async () => {
  server = await startRestartablePostgres();
  proxy = await startTcpProxy(server.port);
});

afterAll(async () => {
  await proxy?.close();
  await server?.destroy();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What one call did: its error's code (or "ok") and how long it took. */
interface Outcome {
  readonly result: string;
  readonly ms: number;
}

async function outcome(work: () => Promise<unknown>): Promise<Outcome> {
  const started = performance.now();
  try {
    await work();
    return { result: "ok", ms: performance.now() - started };
  } catch (error) {
    return { result: isDatabaseError(error) ? error.code : `untyped: ${String(error)}`, ms: performance.now() - started };
  }
}

/** Opens a client with the given limits, directly or through the proxy; pool errors are collected, not printed. */
async function connect(options: ConnectOptions & { viaProxy?: boolean }): Promise<{ db: DatabaseClient; letters: LetterRepository; poolErrors: Error[] }> {
  const { viaProxy = false, ...rest } = options;
  const poolErrors: Error[] = [];
  const url = new URL(server.url);
  if (viaProxy) url.port = String(proxy.port);
  const db = await connectDatabase({ databaseUrl: url.toString(), env: {}, onPoolError: (error) => poolErrors.push(error), ...rest });
  return { db, letters: new LetterRepository(db.prisma), poolErrors };
}

/** Runs SQL as the server's superuser on its own connection (not through the proxy). */
async function admin<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const terminateOurBackends = () =>
  admin<{ terminated: boolean }>(
    "SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE datname = 'faults' AND application_name = 'se-letters-db' AND pid <> pg_backend_pid()",
  );

/** A caller of a service: reads and writes in a loop until told to stop, recording every outcome. */
async function caller(letters: LetterRepository, letterId: number, index: number, running: () => boolean, outcomes: Outcome[]): Promise<void> {
  for (let step = 0; running(); step++) {
    const kind = (index + step) % 4;
    outcomes.push(
      await outcome(() =>
        kind === 0
          ? letters.findById(letterId, { products: true })
          : kind === 1
            ? letters.search({ query: "fault", limit: 5 })
            : kind === 2
              ? letters.setStatus(letterId, `s${index}`)
              : // A transaction of its own, so that some connections are held by Prisma transactions when the server goes.
                letters.createOrReplaceByFileHash({ documentName: `c${index}.pdf`, sourceFilePath: "/c.pdf", fileHash: `sha256:caller-${index}`, products: [{ productIdentifier: "C" }] }),
      ),
    );
    await sleep(10);
  }
}

describe("faults: the process stays up and recovers by itself, on the same client", () => {
  it("a server restart while 50 callers share 10 connections: typed errors within the configured time, then success", async () => {
    const connectionTimeoutMs = 2_000;
    const queryTimeoutMs = 3_000;
    const { db, letters } = await connect({ poolSize: 10, connectionTimeoutMs, statementTimeoutMs: 2_000, queryTimeoutMs });
    try {
      const letter = await letters.create({ documentName: "fault.pdf", sourceFilePath: "/fault.pdf", products: [{ productIdentifier: "F1" }] });
      const outcomes: Outcome[] = [];
      let running = true;
      const callers = Array.from({ length: 50 }, (_, index) => caller(letters, letter.id, index, () => running, outcomes));
      await sleep(500);
      await server.stop();
      await sleep(1_000);
      await server.start();
      await sleep(1_500);
      running = false;
      await Promise.all(callers);

      const failures = outcomes.filter((entry) => entry.result !== "ok");
      expect(failures.length).toBeGreaterThan(0);
      expect(new Set(failures.map((entry) => entry.result))).toSatisfy((codes: Set<string>) =>
        [...codes].every((code) => ["DATABASE_UNAVAILABLE", "WRITE_OUTCOME_UNKNOWN"].includes(code)),
      );
      // A read may be retried once, each attempt bounded by the pool wait plus the client's bound.
      expect(Math.max(...outcomes.map((entry) => entry.ms))).toBeLessThan(2 * (connectionTimeoutMs + queryTimeoutMs));

      const after = await Promise.all(
        Array.from({ length: 50 }, (_, index) => outcome(() => (index % 2 === 0 ? letters.getById(letter.id) : letters.setStatus(letter.id, "recovered")))),
      );
      expect(after.map((entry) => entry.result)).toEqual(Array(50).fill("ok"));
    } finally {
      await db.close();
    }
  });

  it("pg_terminate_backend on every pooled connection: idle ones are reported and replaced, in-flight writes report an unknown outcome", async () => {
    const { db, letters, poolErrors } = await connect({ poolSize: 10, connectionTimeoutMs: 2_000 });
    try {
      const letter = await letters.create({ documentName: "terminate.pdf", sourceFilePath: "/terminate.pdf" });
      // Open all 10 connections, then leave them idle in the pool.
      await Promise.all(Array.from({ length: 10 }, () => db.pool.query("SELECT pg_sleep(0.05)")));
      expect(db.pool.idleCount).toBe(10);
      expect((await terminateOurBackends()).length).toBe(10);
      // Each idle connection hears of its end asynchronously: wait (bounded) until all ten have reported it.
      // A read started before then could take one that has not yet, and be retried (tested below on a dropped network).
      for (const deadline = Date.now() + 5_000; poolErrors.length < 10 && Date.now() < deadline; ) await sleep(20);
      expect(poolErrors.length).toBe(10);
      expect(db.pool.idleCount).toBe(0);
      const reads = await Promise.all(Array.from({ length: 20 }, () => outcome(() => letters.getById(letter.id))));
      expect(reads.map((entry) => entry.result)).toEqual(Array(20).fill("ok"));

      // Writes in flight (blocked on a row lock another session holds) when their backends are terminated.
      const writes = await withLockHeld(server.url, "SELECT 1 FROM letters WHERE id = $1 FOR UPDATE", [letter.id], async () => {
        const pending = Array.from({ length: 5 }, (_, index) => outcome(() => letters.setStatus(letter.id, `w${index}`)));
        await sleep(300);
        await terminateOurBackends();
        return Promise.all(pending);
      });
      expect(writes.map((entry) => entry.result)).toEqual(Array(5).fill("WRITE_OUTCOME_UNKNOWN"));
      expect((await letters.setStatus(letter.id, "after")).status).toBe("after");
    } finally {
      await db.close();
    }
  });

  it("a stalled network: calls fail within queryTimeoutMs or connectionTimeoutMs, and succeed once it resumes", async () => {
    const connectionTimeoutMs = 1_000;
    const queryTimeoutMs = 1_500;
    const { db, letters } = await connect({ poolSize: 4, connectionTimeoutMs, statementTimeoutMs: 1_000, queryTimeoutMs, viaProxy: true });
    try {
      const letter = await letters.create({ documentName: "stall.pdf", sourceFilePath: "/stall.pdf" });
      await Promise.all(Array.from({ length: 2 }, () => letters.getById(letter.id)));
      proxy.pause();
      const stalled = await Promise.all([
        ...Array.from({ length: 6 }, () => outcome(() => letters.getById(letter.id))),
        ...Array.from({ length: 3 }, (_, index) => outcome(() => letters.setStatus(letter.id, `stalled${index}`))),
        outcome(() => letters.createOrReplaceByFileHash({ documentName: "s.pdf", sourceFilePath: "/s.pdf", fileHash: "sha256:stall" })),
      ]);
      for (const entry of stalled) {
        expect(["QUERY_TIMEOUT", "DATABASE_UNAVAILABLE", "WRITE_OUTCOME_UNKNOWN"]).toContain(entry.result);
        expect(entry.ms).toBeLessThan(connectionTimeoutMs + queryTimeoutMs + 1_000);
      }
      proxy.resume();
      const after = await Promise.all(Array.from({ length: 8 }, () => outcome(() => letters.getById(letter.id))));
      expect(after.map((entry) => entry.result)).toEqual(Array(8).fill("ok"));
      expect((await letters.setStatus(letter.id, "resumed")).status).toBe("resumed");
    } finally {
      await db.close();
    }
  });

  it("the network dropping every connection: reads are retried once and succeed; later writes succeed", async () => {
    const { db, letters } = await connect({ poolSize: 4, connectionTimeoutMs: 2_000, statementTimeoutMs: 2_000, queryTimeoutMs: 3_000, viaProxy: true });
    try {
      const letter = await letters.create({ documentName: "drop.pdf", sourceFilePath: "/drop.pdf" });
      await Promise.all(Array.from({ length: 4 }, () => db.pool.query("SELECT pg_sleep(0.05)")));
      proxy.dropConnections();
      const reads = await Promise.all(Array.from({ length: 8 }, () => outcome(() => letters.findById(letter.id))));
      expect(reads.map((entry) => entry.result)).toEqual(Array(8).fill("ok"));
      expect((await letters.setStatus(letter.id, "after-drop")).status).toBe("after-drop");
    } finally {
      await db.close();
    }
  });

  it("more callers than connections for longer than connectionTimeoutMs: the waiters fail with DatabaseUnavailableError in time, then all succeed", async () => {
    const connectionTimeoutMs = 500;
    const { db, letters } = await connect({ poolSize: 2, connectionTimeoutMs });
    try {
      const letter = await letters.create({ documentName: "busy.pdf", sourceFilePath: "/busy.pdf" });
      const { blocked, waiters } = await withLockHeld(server.url, "SELECT 1 FROM letters WHERE id = $1 FOR UPDATE", [letter.id], async () => {
        // Two writes wait on the lock, holding both pooled connections.
        const pending = Promise.all([outcome(() => letters.setStatus(letter.id, "a")), outcome(() => letters.setStatus(letter.id, "b"))]);
        await sleep(200);
        return { blocked: pending, waiters: await Promise.all(Array.from({ length: 10 }, () => outcome(() => letters.getById(letter.id)))) };
      });
      for (const entry of waiters) {
        expect(entry.result).toBe("DATABASE_UNAVAILABLE");
        expect(entry.ms).toBeLessThan(connectionTimeoutMs + 1_000);
      }
      expect((await blocked).map((entry) => entry.result)).toEqual(["ok", "ok"]);
      const after = await Promise.all(Array.from({ length: 10 }, () => outcome(() => letters.getById(letter.id))));
      expect(after.map((entry) => entry.result)).toEqual(Array(10).fill("ok"));
    } finally {
      await db.close();
    }
  });
});

describe("faults: writes are never retried blindly", () => {
  const version = (tag: string) => ({
    documentName: `idem-${tag}.pdf`,
    sourceFilePath: "/idem.pdf",
    fileHash: "sha256:idempotent",
    products: [
      { productIdentifier: `${tag}-P1`, productDescription: tag },
      { productIdentifier: `${tag}-P2`, productDescription: tag },
    ],
    matches: [{ productIndex: 1, ibcatalogueProductIdentifier: `${tag}-CAT`, matchConfidence: 0.5 }],
    debugSteps: [{ processingStep: tag }],
  });

  async function lettersWithHash(hash: string) {
    return admin<{ id: number; document_name: string; products: string[]; matches: string[]; steps: string[] }>(
      `SELECT l.id, l.document_name,
         ARRAY(SELECT product_identifier FROM letter_products WHERE letter_id = l.id ORDER BY id) AS products,
         ARRAY(SELECT ibcatalogue_product_identifier FROM letter_product_matches WHERE letter_id = l.id ORDER BY id) AS matches,
         ARRAY(SELECT processing_step FROM processing_debug WHERE letter_id = l.id ORDER BY id) AS steps
       FROM letters l WHERE l.file_hash = $1`,
      [hash],
    );
  }

  it("a connection cut right after COMMIT is sent gives WriteOutcomeUnknownError; retrying createOrReplaceByFileHash leaves exactly one letter", async () => {
    const { db, letters } = await connect({ poolSize: 2, connectionTimeoutMs: 2_000, viaProxy: true });
    try {
      const cut = proxy.dropAfterClientSends("COMMIT");
      const error = await letters.createOrReplaceByFileHash(version("v1")).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "WRITE_OUTCOME_UNKNOWN", operation: "createOrReplaceByFileHash" });
      await cut;
      expect((error as Error).message).toMatch(/outcome of createOrReplaceByFileHash is unknown/);
      // The server did receive the COMMIT: the first attempt's letter is there, though the client was never told.
      await expect.poll(async () => (await lettersWithHash("sha256:idempotent")).map((row) => row.document_name)).toEqual(["idem-v1.pdf"]);

      const retried = await letters.createOrReplaceByFileHash(version("v1"));
      expect(retried.replacedIds).toHaveLength(1);
      const rows = await lettersWithHash("sha256:idempotent");
      expect(rows).toEqual([{ id: retried.letter.id, document_name: "idem-v1.pdf", products: ["v1-P1", "v1-P2"], matches: ["v1-CAT"], steps: ["v1"] }]);
    } finally {
      await db.close();
    }
  });

  it("a backend terminated before the commit gives DatabaseUnavailableError (rolled back, nothing written); the retry writes the letter once", async () => {
    const { db, letters } = await connect({ poolSize: 2, connectionTimeoutMs: 2_000 });
    const hash = "sha256:terminated-before-commit";
    try {
      // The write waits for the advisory lock another writer of the hash holds, and its backend is terminated.
      const error = await withLockHeld(server.url, "SELECT pg_advisory_xact_lock(1936027000::int, hashtext($1))", [hash], async () => {
        const write = letters.createOrReplaceByFileHash({ ...version("v2"), fileHash: hash }).catch((caught: unknown) => caught);
        await sleep(300);
        await terminateOurBackends();
        return write;
      });
      expect(error).toMatchObject({ code: "DATABASE_UNAVAILABLE" });
      expect(await lettersWithHash(hash)).toEqual([]);
      const retried = await letters.createOrReplaceByFileHash({ ...version("v2"), fileHash: hash });
      expect(retried.replacedIds).toEqual([]);
      expect((await lettersWithHash(hash)).map((row) => row.products)).toEqual([["v2-P1", "v2-P2"]]);
    } finally {
      await db.close();
    }
  });

  it("a one-statement write whose connection is cut after it was sent gives WriteOutcomeUnknownError, and is not retried", async () => {
    const { db, letters } = await connect({ poolSize: 1, connectionTimeoutMs: 2_000, viaProxy: true });
    try {
      const letter = await letters.create({ documentName: "one.pdf", sourceFilePath: "/one.pdf" });
      const cut = proxy.dropAfterClientSends("INSERT INTO \"public\".\"processing_debug\"");
      const error = await letters.appendDebugStep(letter.id, { processingStep: "maybe" }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "WRITE_OUTCOME_UNKNOWN", operation: "appendDebugStep" });
      await cut;
      // Sent once, applied at most once: never a second copy from a blind retry.
      await expect.poll(async () => (await admin("SELECT 1 FROM processing_debug WHERE letter_id = $1", [letter.id])).length).toBe(1);
      expect((await letters.getById(letter.id, { debugSteps: true })).debugSteps).toHaveLength(1);
    } finally {
      await db.close();
    }
  });
});
