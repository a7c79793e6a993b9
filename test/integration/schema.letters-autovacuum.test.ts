import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/test-database.ts";

// Deep offset pages are index-only walks only over pages the visibility map marks all-visible; the
// pipeline's writes clear those marks all over letters, so letters is vacuumed far more often than the
// default 20% of its rows (migration 20261130110000_letters_vacuum_per_2000_rows).

const database = useTestDatabase();

describe("schema: letters' autovacuum settings", () => {
  it("vacuums letters after 2,000 changed or inserted rows, whatever its size", async () => {
    const [row] = await database.sql<{ reloptions: string[] | null }>("SELECT reloptions FROM pg_class WHERE oid = 'letters'::regclass");
    expect([...(row!.reloptions ?? [])].sort()).toEqual([
      "autovacuum_vacuum_insert_scale_factor=0",
      "autovacuum_vacuum_insert_threshold=2000",
      "autovacuum_vacuum_scale_factor=0",
      "autovacuum_vacuum_threshold=2000",
    ]);
  });
});
