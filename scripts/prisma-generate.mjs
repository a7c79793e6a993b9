#!/usr/bin/env node
// Runs `prisma generate` (or another engine-free Prisma command given as arguments) offline.
// The Prisma CLI downloads its native schema engine before `generate`, `validate` and `format`, although
// those commands never use it; pointing PRISMA_SCHEMA_ENGINE_BINARY at an existing file skips the download.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
env.PRISMA_HIDE_UPDATE_MESSAGE ??= "1";
const result = spawnSync("prisma", args.length > 0 ? args : ["generate"], { stdio: "inherit", env, shell: false });
if (result.error) {
  console.error(`Could not run the Prisma CLI: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
