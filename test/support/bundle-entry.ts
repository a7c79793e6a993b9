import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll } from "vitest";

/**
 * Bundles a TypeScript entry with esbuild (packages external) so that a child `node` process can run it.
 * The bundle goes under node_modules/.cache so that its imports resolve to this repository's packages and
 * its migrations folder; it is removed after the test file.
 */
export function useBundledEntry(entry: string): () => Promise<string> {
  const folder = resolve("node_modules/.cache/se-letters-importer-tests", randomBytes(4).toString("hex"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  return async () => {
    const { build } = await import("esbuild");
    mkdirSync(folder, { recursive: true });
    const outfile = join(folder, "entry.mjs");
    await build({ entryPoints: [resolve(entry)], bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", outfile, logLevel: "warning" });
    return outfile;
  };
}
