import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The tests of the Testcontainers path of the harness. They need a container runtime, so the default
// `vitest run` (npm test) leaves them out; CI's Testcontainers leg (scripts/ci-testcontainers-leg.sh)
// runs them where Docker runs: `npx vitest run --config test/testcontainers/vitest.config.ts`.
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    name: "testcontainers",
    include: ["test/testcontainers/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
