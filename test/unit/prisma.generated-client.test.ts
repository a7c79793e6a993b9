import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The generated client embeds the schema text it was generated from. When schema.prisma changes and
// `npm run generate` was not run, the client silently disagrees with the database: fail instead.
describe("generated Prisma client", () => {
  it("was generated from the current prisma/schema.prisma (run `npm run generate` if not)", () => {
    const generated = readFileSync(new URL("../../src/generated/prisma/internal/class.ts", import.meta.url), "utf8");
    const match = /"inlineSchema":\s*("(?:[^"\\]|\\.)*")/.exec(generated);
    expect(match, "inlineSchema not found in the generated client").not.toBeNull();
    const embedded = JSON.parse(match?.[1] ?? '""') as string;
    const current = readFileSync(new URL("../../prisma/schema.prisma", import.meta.url), "utf8");
    expect(embedded).toBe(current);
  });
});
