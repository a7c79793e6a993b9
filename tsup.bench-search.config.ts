import { defineConfig } from "tsup";

// The search and load benchmarks (bench/search), bundled with the package's sources into a gitignored
// folder and run with node: `npm run bench:search`, `npm run bench:load`, `npm run bench:soak`. Not part of the library build.
export default defineConfig({
  entry: { search: "bench/search/search-main.ts", load: "bench/search/load-main.ts", soak: "bench/search/soak-main.ts" },
  outDir: "bench-dist/search",
  format: ["esm"],
  target: "node20",
  sourcemap: true,
  clean: true,
  external: ["@prisma/client", "@prisma/adapter-pg", "pg"],
});
