import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, describe, expect, it } from "vitest";
import { DatabaseUnavailableError, ValidationError } from "../../src/errors.ts";
import { PrismaClient } from "../../src/generated/prisma/client.ts";
import { decodeCursor, encodeCursor } from "../../src/letters/keyset-cursor.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { escapeLikePattern } from "../../src/letters/letter-search.ts";

// A client whose pool points at a closed port: any query fails with DatabaseUnavailableError, so a
// ValidationError proves the input was refused before a query was attempted.
const nowhere = new PrismaClient({ adapter: new PrismaPg({ host: "127.0.0.1", port: 1, connectionTimeoutMillis: 500 }) });
const letters = new LetterRepository(nowhere);
afterAll(() => nowhere.$disconnect());

async function validationIssues(work: () => Promise<unknown>): Promise<string[]> {
  const error = await work().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).code).toBe("VALIDATION_FAILED");
  return (error as ValidationError).issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe("LetterRepository input validation (no database reached)", () => {
  it("the client really points nowhere: valid input fails with DatabaseUnavailableError", async () => {
    await expect(letters.findById(1)).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });

  it("create lists every bad field by path", async () => {
    const issues = await validationIssues(() =>
      letters.create({
        documentName: "   ",
        sourceFilePath: "/a\u0000b",
        status: "",
        processingTimeMs: -5,
        createdAt: new Date("not a date"),
        ocrSupplementaryJson: { pages: [1, 2, Number.POSITIVE_INFINITY], fn: (() => 1) as never },
        products: [{ productIdentifier: 7 as never, colour: "red" } as never],
        matches: [{ productIndex: -1, ibcatalogueProductIdentifier: "", matchConfidence: 2 }],
      }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        "documentName: must not be empty",
        "sourceFilePath: must not contain NUL (\\u0000) characters",
        expect.stringMatching(/^status: /),
        expect.stringMatching(/^processingTimeMs: /),
        "createdAt: must be a valid Date",
        "ocrSupplementaryJson.pages.2: must be a finite number (JSON has no NaN or Infinity)",
        "ocrSupplementaryJson.fn: must be a JSON value, not function",
        expect.stringMatching(/^products\.0\.productIdentifier: /),
        "products.0.colour: is not a known field",
        "matches.0.productIndex: must be a position in products (0 or more)",
        "matches.0.ibcatalogueProductIdentifier: must not be empty",
        "matches.0.matchConfidence: must be between 0 and 1",
      ]),
    );
    expect(issues).toHaveLength(12);
  });

  it("a non-object input is one clear issue", async () => {
    expect(await validationIssues(() => letters.create(null as never))).toEqual([expect.stringMatching(/^: Invalid input: expected object/)]);
  });

  it("every method validates its arguments before touching the database", async () => {
    await validationIssues(() => letters.createOrReplaceByFileHash({ documentName: "a", sourceFilePath: "/a", fileHash: "" }));
    await validationIssues(() => letters.findByFileHash(""));
    await validationIssues(() => letters.findById(-1));
    await validationIssues(() => letters.getById(1, { product: true } as never));
    await validationIssues(() => letters.search({ sortBy: "created_at" as never }));
    await validationIssues(() => letters.search({ limit: 1000 }));
    await validationIssues(() => letters.search({ unknownFilter: 1 } as never));
    await validationIssues(() => letters.searchByCursor({ cursor: "!!" }));
    await validationIssues(() => letters.setStatus(1, ""));
    await validationIssues(() => letters.appendDebugStep(1, { processingStep: "x", stepDurationMs: Number.NaN }));
    await validationIssues(() => letters.delete(0));
    await validationIssues(() => letters.deleteMany([1, 2, 3.5]));
  });

  it("the message names paths and rules, not the values given", async () => {
    const error = await letters.search({ sortBy: "password=hunter2" as never }).catch((thrown: unknown) => thrown);
    expect((error as Error).message).toMatch(/^Invalid search:\n {2}- sortBy: Invalid option/);
    expect((error as Error).message).not.toContain("hunter2");
  });
});

describe("LIKE escaping", () => {
  it("escapes backslash, percent and underscore, and nothing else", () => {
    expect(escapeLikePattern("100%_a\\b*?[x]")).toBe("100\\%\\_a\\\\b*?[x]");
  });
});

describe("keyset cursor", () => {
  it("round-trips a position, keeping microseconds, as base64url", () => {
    const position = { sortBy: "createdAt", sortOrder: "desc", value: "2025-01-01 08:00:00.000246", id: 5 } as const;
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, "createdAt", "desc")).toEqual(position);
    expect(decodeCursor(encodeCursor({ ...position, value: null }), "createdAt", "desc").value).toBeNull();
  });

  it("refuses a cursor for another sort, a NULL position on a NOT NULL column, or a value of the wrong type", () => {
    expect(() => decodeCursor(encodeCursor({ sortBy: "id", sortOrder: "asc", value: "5", id: 5 }), "id", "desc")).toThrow(ValidationError);
    expect(() => decodeCursor(encodeCursor({ sortBy: "id", sortOrder: "asc", value: null, id: 5 }), "id", "asc")).toThrow(/bad position/);
    expect(() => decodeCursor(encodeCursor({ sortBy: "extractionConfidence", sortOrder: "asc", value: "0.5; DROP", id: 5 }), "extractionConfidence", "asc")).toThrow(
      /bad position/,
    );
    expect(decodeCursor(encodeCursor({ sortBy: "extractionConfidence", sortOrder: "asc", value: "1e-05", id: 5 }), "extractionConfidence", "asc").value).toBe("1e-05");
  });
});
