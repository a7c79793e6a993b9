import { defineConfig } from "vitest/config";

// `npm run test:scale`: tests against servers the tests start themselves (a primary with a streaming
// replica, PgBouncer in transaction mode), and the repository's integration suite through PgBouncer.
// Apart from `npm test` because they need Debian's postgresql-15 binaries and pgbouncer (.ci/run installs them).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "scale",
          include: ["test/scale/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The repository's integration suite, unchanged, with every client going through PgBouncer in
        // transaction mode (pgbouncer-global-setup.ts provides poolerUrl; useTestDatabase connects there).
        test: {
          name: "pgbouncer",
          include: ["test/integration/letters.*.test.ts", "test/integration/search.*.test.ts"],
          globalSetup: ["test/support/pgbouncer-global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
