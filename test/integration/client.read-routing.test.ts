import { describe, expect } from "vitest";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { freePort } from "../support/own-postgres-cluster.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const it = databaseTest(database);

const letter = { documentName: "routing.pdf", sourceFilePath: "/routing.pdf", fileHash: "sha256:routing" };

describe("connectDatabase: read routing without a usable replica", () => {
  it("without replicas: every read on the primary, primaryScope runs its work, nothing counted", async ({ db, letters }) => {
    expect(db.replicaStatus()).toEqual([]);
    const stored = await letters.create(letter);
    expect(await db.primaryScope(() => letters.getById(stored.id))).toMatchObject({ id: stored.id });
    expect(db.primaryScope(() => 42)).toBe(42);
    expect(db.readCounts()).toEqual({ replica: 0, primary: 0 });
  });

  it("does not take a direct server for a pooler: prepared statements stay on, UTC by the startup options", async ({ db }) => {
    expect(db.config).toMatchObject({ pgbouncer: false, preparedStatements: true });
    expect(db.pool.options).toMatchObject({ options: "-c TimeZone=UTC" });
  });

  it("never reads from a 'replica' that is not in recovery (a primary, or a promoted former replica)", async () => {
    const db = await database.connect({ replicas: [database.url], replicaCheckIntervalMs: 50 });
    try {
      const letters = new LetterRepository(db.prisma);
      await letters.findByFileHash("sha256:none");
      expect(db.replicaStatus()).toEqual([expect.objectContaining({ state: "not-a-replica", reads: 0 })]);
      expect(db.readCounts()).toEqual({ replica: 0, primary: 1 });
    } finally {
      await db.close();
    }
  });

  it("connects and reads on the primary while the only replica is unreachable", async () => {
    const closedPort = await freePort();
    const db = await database.connect({ replicas: [`postgresql://postgres@127.0.0.1:${closedPort}/nowhere`], replicaCheckIntervalMs: 50 });
    try {
      const letters = new LetterRepository(db.prisma);
      const stored = await letters.create({ ...letter, fileHash: "sha256:unreachable" });
      expect((await letters.getById(stored.id)).id).toBe(stored.id);
      expect(db.replicaStatus()).toEqual([expect.objectContaining({ state: "down", lagMs: null })]);
      expect(db.readCounts()).toEqual({ replica: 0, primary: 1 });
    } finally {
      await db.close();
    }
  });
});
