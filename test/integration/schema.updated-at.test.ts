import { describe, expect } from "vitest";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const it = databaseTest(database);

describe("schema: letters.updated_at", () => {
  it("is set on insert and moves on an UPDATE made with plain SQL", async () => {
    const [inserted] = await database.sql<{ id: number; created_at: Date; updated_at: Date }>(
      "INSERT INTO letters (document_name, source_file_path) VALUES ('a', '/a.pdf') RETURNING id, created_at, updated_at",
    );
    expect(inserted?.updated_at).toBeInstanceOf(Date);
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 20));
    const [updated] = await database.sql<{ updated_at: Date; status: string }>(
      "UPDATE letters SET status = 'failed' WHERE id = $1 RETURNING updated_at, status",
      [inserted?.id],
    );
    expect(updated?.status).toBe("failed");
    expect(updated!.updated_at.getTime()).toBeGreaterThan(inserted!.updated_at.getTime());
  });

  it("cannot be set back by hand: the trigger always writes the time of the update", async () => {
    const [row] = await database.sql<{ id: number }>("INSERT INTO letters (document_name, source_file_path) VALUES ('b', '/b.pdf') RETURNING id");
    const [updated] = await database.sql<{ updated_at: Date }>(
      "UPDATE letters SET updated_at = '2000-01-01' WHERE id = $1 RETURNING updated_at",
      [row?.id],
    );
    expect(updated!.updated_at.getUTCFullYear()).toBeGreaterThan(2000);
  });

  it("is a timestamp(6) and records UTC even from a session in another time zone", async () => {
    const [row] = await database.sql<{ id: number }>("INSERT INTO letters (document_name, source_file_path) VALUES ('c', '/c.pdf') RETURNING id");
    const [result] = await database.sql<{ drift_seconds: number }>(
      `SET TimeZone = 'Pacific/Auckland';
       UPDATE letters SET status = 'x' WHERE id = ${Number(row?.id)};
       SELECT abs(extract(epoch FROM (updated_at - timezone('UTC', now()))))::float8 AS drift_seconds
         FROM letters WHERE id = ${Number(row?.id)}`,
    );
    expect(result!.drift_seconds).toBeLessThan(60);
    const [typed] = await database.sql<{ data_type: string; datetime_precision: number }>(
      "SELECT data_type, datetime_precision FROM information_schema.columns WHERE table_name = 'letters' AND column_name = 'updated_at'",
    );
    expect(typed).toEqual({ data_type: "timestamp without time zone", datetime_precision: 6 });
  });

  it("moves when Prisma updates the letter", async ({ db }) => {
    const letter = await db.prisma.letter.create({ data: { documentName: "d", sourceFilePath: "/d.pdf" } });
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 20));
    const updated = await db.prisma.letter.update({ where: { id: letter.id }, data: { status: "failed" } });
    expect(updated.updatedAt!.getTime()).toBeGreaterThan(letter.updatedAt!.getTime());
  });
});
