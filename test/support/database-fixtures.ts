import { test } from "vitest";
import type { DatabaseClient } from "../../src/client/database-client.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import type { TestDatabase } from "./test-database.ts";

/** What a test of `databaseTest` gets by destructuring its context; only what it names is opened. */
export interface DatabaseFixtures {
  /** A client from `database.connect()` (default options), closed after the test whether it passed or failed. */
  readonly db: DatabaseClient;
  /** A `LetterRepository` on `db.prisma`. */
  readonly letters: LetterRepository;
}

/**
 * vitest's `test` with `db` and `letters` fixtures on the file's test database, instead of
 * connect / try / finally / close written out in each test. A test needing a client configured
 * otherwise calls `database.connect({ … })` itself.
 *
 * @example
 * const database = useTestDatabase();
 * const it = databaseTest(database);
 *
 * it("stores a letter", async ({ letters }) => {
 *   expect((await letters.create(letter)).id).toBeGreaterThan(0);
 * });
 */
export function databaseTest(database: TestDatabase) {
  return test.extend<DatabaseFixtures>({
    // vitest reads the fixtures a fixture depends on from its first parameter's pattern: this one needs none.
    db: async ({}, use) => {
      const db = await database.connect();
      await use(db);
      await db.close();
    },
    letters: async ({ db }, use) => {
      await use(new LetterRepository(db.prisma));
    },
  });
}
