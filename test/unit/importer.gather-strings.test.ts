import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readChunks } from "../../src/importer/duckdb-chunk-reader.ts";

// readChunks copies a chunk's strings out of DuckDB in runs of adjacent heap allocations; each row must
// still get exactly its own bytes, whatever mix of inline (≤ 12 bytes), long, empty, NULL and NUL-holding
// values the chunk holds, and across chunk boundaries.
describe("readChunks: packed strings", () => {
  let instance: DuckDBInstance;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(":memory:");
  });
  afterAll(() => instance.closeSync());

  const valueFor = (i: number): string | null => {
    if (i % 97 === 0) return null;
    if (i % 89 === 0) return "";
    if (i % 53 === 0) return `nul\u0000inside-${i}-${"z".repeat(i % 30)}`;
    if (i % 7 === 0) return `s${i}`.slice(0, 12);
    if (i % 11 === 0) return `€${"✓".repeat(i % 40)}😀${i}`;
    return `${"long-value-".repeat(1 + (i % 5))}${i}`;
  };

  it("gives each row exactly its bytes and flags exactly the rows holding 0x00", async () => {
    const rows = 5000;
    const connection = await instance.connect();
    try {
      await connection.run("CREATE TABLE t (id INTEGER, a VARCHAR, b VARCHAR)");
      const appender = await connection.createAppender("t");
      for (let i = 0; i < rows; i++) {
        appender.appendInteger(i);
        const a = valueFor(i);
        const b = valueFor(i * 3 + 1);
        if (a === null) appender.appendNull();
        else appender.appendVarchar(a);
        if (b === null) appender.appendNull();
        else appender.appendVarchar(b);
        appender.endRow();
      }
      appender.closeSync();

      let seen = 0;
      const columns = [
        { name: "id", kind: "int4" as const },
        { name: "a", kind: "varchar" as const },
        { name: "b", kind: "varchar" as const },
      ];
      for await (const chunk of readChunks(connection, "t", columns, " ORDER BY id")) {
        const packed = chunk.packed!;
        for (let row = 0; row < chunk.rowCount; row++) {
          const id = chunk.columns[0]!.data.readInt32LE(row * 4);
          const expected = (valueFor(id) ?? "") + (valueFor(id * 3 + 1) ?? "");
          const bytes = packed.source[row]!.subarray(packed.start[row]!, packed.end[row]!);
          expect(bytes.toString("utf8")).toBe(expected);
          expect(packed.hasNul[row]).toBe(expected.includes("\u0000") ? 1 : 0);
          seen++;
        }
      }
      expect(seen).toBe(rows);
    } finally {
      connection.closeSync();
    }
  });
});
