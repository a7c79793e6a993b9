import pg from "pg";
import { describe, expect, it } from "vitest";
import { connectDatabase } from "../../src/client/database-client.ts";
import { ConfigurationError } from "../../src/errors.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();

describe("connectDatabase({ pool }): a service's own pg.Pool", () => {
  it("runs Prisma and the repository over the given pool, names its server, and leaves it open on close()", async () => {
    const pool = new pg.Pool({ connectionString: database.url, options: "-c TimeZone=UTC", max: 3, application_name: "service-own-pool" });
    try {
      const db = await connectDatabase({ pool, env: { DATABASE_URL: "postgresql://elsewhere.invalid/none" } });
      try {
        expect(db.pool).toBe(pool);
        expect(db.config).toMatchObject({ database: database.name, poolSize: 3 });
        const letters = new LetterRepository(db.prisma);
        const stored = await letters.create({ documentName: "own-pool.pdf", sourceFilePath: "/own-pool.pdf", createdAt: new Date("2026-01-02T03:04:05.678Z") });
        expect((await letters.getById(stored.id)).createdAt).toEqual(new Date("2026-01-02T03:04:05.678Z"));
        const sessions = await database.sql<{ count: number }>(
          "SELECT count(*)::int AS count FROM pg_stat_activity WHERE application_name = 'service-own-pool' AND datname = current_database()",
        );
        expect(sessions[0]?.count).toBeGreaterThan(0);
      } finally {
        await db.close();
      }
      expect((await pool.query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one).toBe(1);
      expect(pool.listenerCount("error")).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it("refuses a pool whose sessions do not run in UTC, saying how to create it", async () => {
    const pool = new pg.Pool({ connectionString: database.url, options: "-c TimeZone=Europe/Paris", max: 1 });
    try {
      const error = await connectDatabase({ pool }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain('pool: runs its sessions with TimeZone=Europe/Paris; timestamps mean UTC: create the pool with options: "-c TimeZone=UTC"');
    } finally {
      await pool.end();
    }
  });

  it("refuses replicas beside a given pool rather than ignoring them", async () => {
    const pool = new pg.Pool({ connectionString: database.url, options: "-c TimeZone=UTC", max: 1 });
    try {
      const error = await connectDatabase({ pool, replicas: ["postgresql://replica.invalid/letters"] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain("replicas: cannot be combined with a given pool");
    } finally {
      await pool.end();
    }
  });

  it("says the given pool's server is unreachable with DatabaseUnavailableError", async () => {
    const pool = new pg.Pool({ host: "127.0.0.1", port: 1, user: "nobody", database: "none", connectionTimeoutMillis: 2_000, max: 1 });
    try {
      await expect(connectDatabase({ pool })).rejects.toMatchObject({ code: "DATABASE_UNAVAILABLE" });
    } finally {
      await pool.end();
    }
  });
});
