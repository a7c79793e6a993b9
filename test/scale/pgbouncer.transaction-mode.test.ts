import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase } from "../../src/client/database-client.ts";
import { DatabaseUnavailableError, DirectConnectionRequiredError } from "../../src/errors.ts";
import { importDuckDb } from "../../src/importer/import-duckdb.ts";
import { createSampleLettersDuckDb } from "../../src/importer/sample-letters-duckdb.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { migrate } from "../../src/migrate/migrate.ts";
import { startOwnPostgresCluster, type OwnPostgresCluster } from "../support/own-postgres-cluster.ts";
import { startPgBouncer, type StartedPgBouncer } from "../support/pgbouncer.ts";

const PASSWORD = "pgbouncer-test-password";
const DATABASE = "letters";
const SERVER_CONNECTIONS = 20;

let server: OwnPostgresCluster;
let bouncer: StartedPgBouncer;
let directUrl: string;

beforeAll(async () => {
  // The server's own default is not UTC, so that a session left in it would show.
  server = await startOwnPostgresCluster({ password: PASSWORD, settings: () => ({ timezone: "America/New_York", max_connections: "100" }) });
  directUrl = `postgresql://postgres:${PASSWORD}@localhost:${server.port}/${DATABASE}`;
  const admin = new pg.Client({ connectionString: `postgresql://postgres:${PASSWORD}@localhost:${server.port}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DATABASE}`).finally(() => admin.end());
  await migrate({ databaseUrl: directUrl, env: {} });
  bouncer = await startPgBouncer({ serverPort: server.port, user: "postgres", password: PASSWORD, poolSize: SERVER_CONNECTIONS });
}, 120_000);

afterAll(async () => {
  await bouncer?.stop();
  await server?.destroy();
});

const letter = (name: string) => ({
  documentName: `${name}.pdf`,
  sourceFilePath: `/letters/${name}.pdf`,
  fileHash: `sha256:${name}`,
  products: [{ productIdentifier: `${name}-1` }, { productIdentifier: `${name}-2` }],
  matches: [{ productIndex: 1, ibcatalogueProductIdentifier: `CAT-${name}`, matchConfidence: 0.9 }],
  debugSteps: [{ processingStep: "ocr" }],
});

/** The most client backends the server had on the letters database at once while `work` ran (sampled every 10 ms). */
async function peakServerConnections(work: () => Promise<void>): Promise<number> {
  const sampler = new pg.Client({ connectionString: directUrl });
  await sampler.connect();
  let peak = 0;
  let running = true;
  const sampling = (async () => {
    while (running) {
      const { rows } = await sampler.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
        [DATABASE],
      );
      peak = Math.max(peak, rows[0]?.count ?? 0);
      await new Promise((resolveDelay) => setTimeout(resolveDelay, 10));
    }
  })();
  try {
    await work();
  } finally {
    running = false;
    await sampling;
    await sampler.end();
  }
  return peak;
}

describe("PgBouncer 1.18 in transaction mode in front of the primary", () => {
  it("refuses the package's default login (startup options) with advice to set pgbouncer=true", async () => {
    const failure = await connectDatabase({ databaseUrl: bouncer.url(DATABASE), env: {} }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DatabaseUnavailableError);
    expect((failure as Error).message).toMatch(/unsupported startup parameter.*add pgbouncer=true to the URL/);
  });

  it("with pgbouncer=true runs every repository method, 200 concurrent callers on 20 server connections, every session in UTC", async () => {
    const db = await connectDatabase({ databaseUrl: `${bouncer.url(DATABASE)}?pgbouncer=true`, poolSize: 200, env: {} });
    try {
      expect(db.config).toMatchObject({ pgbouncer: true, preparedStatements: false });
      const letters = new LetterRepository(db.prisma);

      const callers = 200;
      const peak = await peakServerConnections(async () => {
        await Promise.all(
          Array.from({ length: callers }, async (_, index) => {
            const name = `caller-${index}`;
            const { letter: stored } = await letters.createOrReplaceByFileHash(letter(name));
            const read = await letters.getById(stored.id, { products: true, matches: true, debugSteps: true });
            expect(read.matches[0]?.letterProductId).toBe(read.products[1]?.id);
            expect(read.createdAt?.toISOString()).toBe(stored.createdAt?.toISOString());
            await letters.setStatus(stored.id, index % 2 === 0 ? "even" : "odd");
            await letters.appendDebugStep(stored.id, { processingStep: "checked" });
            expect((await letters.findByFileHash(`sha256:${name}`)).map((row) => row.id)).toEqual([stored.id]);
            const [session] = await db.prisma.$queryRaw<{ time_zone: string }[]>`SELECT current_setting('TimeZone') AS time_zone`;
            expect(session?.time_zone).toBe("UTC");
          }),
        );
      });
      // More client connections than server connections: PgBouncer multiplexed them.
      expect(db.pool.totalCount).toBeGreaterThan(SERVER_CONNECTIONS);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(SERVER_CONNECTIONS);

      expect((await letters.search({ status: "even", limit: 100 })).total).toBe(callers / 2);
      expect((await letters.search({ query: "caller-1", page: -1 })).data.length).toBeGreaterThan(0);
      const walk = await letters.searchByCursor({ status: "odd", limit: 50 });
      expect(walk.data).toHaveLength(50);
      expect((await letters.searchByCursor({ status: "odd", limit: 50, cursor: walk.nextCursor! })).data).toHaveLength(50);
      expect((await letters.getStatistics()).totalLetters).toBe(callers);
      expect((await letters.getStatistics({ maxAgeMs: 60_000 })).totalLetters).toBe(callers);
      // A caller's transaction: the repository's writes join it and roll back with it.
      await expect(
        db.prisma.$transaction(async (tx) => {
          await new LetterRepository(tx).create(letter("rolled-back"));
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      expect(await letters.findByFileHash("sha256:rolled-back")).toEqual([]);
      const ids = (await letters.search({ status: "odd", limit: 100 })).data.map((row) => row.id);
      await letters.delete(ids[0]!);
      expect(await letters.deleteMany(ids.slice(1))).toBe(ids.length - 1);
      expect((await letters.getStatistics()).totalLetters).toBe(callers / 2);
    } finally {
      await db.close();
    }
  });

  it("detects a pooler it was not told of (one that ignores the startup options) and runs in pgbouncer mode, sessions in UTC", async () => {
    const lenient = await startPgBouncer({
      serverPort: server.port,
      user: "postgres",
      password: PASSWORD,
      poolSize: 5,
      ignoreStartupParameters: ["options", "statement_timeout", "idle_in_transaction_session_timeout"],
    });
    try {
      const db = await connectDatabase({ databaseUrl: lenient.url(DATABASE), logger: () => undefined, env: {} });
      try {
        expect(db.config).toMatchObject({ pgbouncer: true, preparedStatements: false });
        const zones = await Promise.all(
          Array.from({ length: 30 }, () => db.prisma.$queryRaw<{ zone: string }[]>`SELECT current_setting('TimeZone') AS zone`),
        );
        expect(new Set(zones.map(([row]) => row?.zone))).toEqual(new Set(["UTC"]));
        const stored = await new LetterRepository(db.prisma).create(letter("detected"));
        expect(await new LetterRepository(db.prisma).findById(stored.id)).not.toBeNull();
      } finally {
        await db.close();
      }
      // Migrations are refused by the session key, not by a flag or a refused parameter.
      const refused = await migrate({ databaseUrl: lenient.url(DATABASE), env: {} }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(DirectConnectionRequiredError);
      expect((refused as Error).message).toMatch(/is a connection pooler \(its session key is not the server's\).*DIRECT_DATABASE_URL/);
    } finally {
      await lenient.stop();
    }
  });

  it("turns prepared statements off for a service's own pool that goes through the pooler", async () => {
    const pool = new pg.Pool({ connectionString: bouncer.url(DATABASE), max: 40 });
    // The service's way to run its sessions in UTC through PgBouncer: SET on each new connection (tracked by PgBouncer).
    pool.on("connect", (client) => void client.query("SET TimeZone TO 'UTC'"));
    try {
      const db = await connectDatabase({ pool, logger: () => undefined });
      try {
        expect(db.config).toMatchObject({ pgbouncer: true, preparedStatements: false });
        const letters = new LetterRepository(db.prisma);
        const stored = await letters.create(letter("own-pool"));
        // Named statements would be parsed on one server connection and used on another: PgBouncer 1.18 cannot carry them.
        const reads = await Promise.all(Array.from({ length: 60 }, () => letters.findById(stored.id, { products: true })));
        expect(reads.every((read) => read?.products.length === 2)).toBe(true);
      } finally {
        await db.close();
      }
    } finally {
      await pool.end();
    }
  });

  it("refuses migrations and imports through the pooler, and runs them over DIRECT_DATABASE_URL", async () => {
    const pooled = `${bouncer.url(DATABASE)}?pgbouncer=true`;
    await expect(migrate({ databaseUrl: pooled, env: {} })).rejects.toMatchObject({ code: "DIRECT_CONNECTION_REQUIRED", work: "migrate" });
    // Without the flag PgBouncer 1.18 refuses the startup options: also told to use a direct URL.
    await expect(migrate({ databaseUrl: bouncer.url(DATABASE), env: {} })).rejects.toThrow(/refused a startup parameter.*DIRECT_DATABASE_URL/);
    const from = join(mkdtempSync(join(tmpdir(), "se-letters-db-pgbouncer-import-")), "letters.duckdb");
    await createSampleLettersDuckDb(from, { letters: 20 });
    await expect(importDuckDb({ from, databaseUrl: pooled, replace: true, env: {} })).rejects.toMatchObject({ code: "DIRECT_CONNECTION_REQUIRED" });

    // The documented way: DATABASE_URL names the pooler for the service, DIRECT_DATABASE_URL the server for migrations and imports.
    const env = { DATABASE_URL: pooled, DIRECT_DATABASE_URL: directUrl };
    const result = await migrate({ env });
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied.length).toBeGreaterThan(0);
    expect(await importDuckDb({ from, replace: true, env })).toMatchObject({ outcome: "imported" });
    rmSync(dirname(from), { recursive: true, force: true });
  });
});
