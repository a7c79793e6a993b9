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
    ],
  },
});
