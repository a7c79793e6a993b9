import { describe, expect, it } from "vitest";
import { canonicalJsonb, validateJsonb } from "../../src/importer/jsonb-canonical.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();

/** A small seeded generator, so a failure names a reproducible document. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const keyPool = ["a", "b", "aa", "ab", "B", "é", "z", "id", "ключ", "😀", "e\u0301", "\uffff", "k\\n", 'q\\"', "\\u00e9", "\\ud83d\\ude00", "", "AA", "ä"];
  const numbers = ["0", "-0", "1", "-1", "1.0", "1.50", "1E2", "1e-2", "12.5e-5", "-0.0", "123456789012345678901234567890", "0.000001", "3.14159", "2e10", "1E+3"];
  const strings = ['"plain"', '"é and 😀"', '"tab\\tnew\\nline"', '"\\u0041\\u00e9\\ud83d\\ude00"', '"quote \\" slash \\/ back \\\\"', '"\\u001f"', '""', '"\u007f"'];
  const value = (depth: number): string => {
    const roll = next();
    if (depth > 3 || roll < 0.45) return pick([...numbers, ...strings, "true", "false", "null"]);
    if (roll < 0.7) {
      const items = Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      return `[${items.join(pick([",", ", ", " , ", "\n,"]))}]`;
    }
    const members = Array.from({ length: Math.floor(next() * 6) }, () => `"${pick(keyPool)}"${pick([":", ": ", " :"])}${value(depth + 1)}`);
    return `{${members.join(pick([",", ", ", "\t,"]))}}`;
  };
  return () => value(0);
}

// canonicalJsonb must print what PostgreSQL's jsonb prints: the verification checksum compares the two.
describe("canonicalJsonb against PostgreSQL's jsonb", () => {
  it("prints 3,000 generated documents (duplicate keys, key order by length then bytes, escapes, numbers) exactly as jsonb_out", async () => {
    const next = generator(20261121);
    const documents = Array.from({ length: 3000 }, next);
    const rows = await database.sql<{ text: string }>("SELECT d::jsonb::text AS text FROM unnest($1::text[]) WITH ORDINALITY AS t(d, n) ORDER BY n", [documents]);
    documents.forEach((document, index) => {
      expect(canonicalJsonb(document), document).toBe(rows[index]?.text);
      expect(() => validateJsonb(document)).not.toThrow();
    });
  });
});
