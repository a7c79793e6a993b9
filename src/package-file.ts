import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The path of a file shipped in this package (`prisma/migrations`, `sql/roles.sql`), found by walking up
 * from this module to the first folder that holds a package.json and that file: the same from src/, dist/
 * or a bundle inside the package. `undefined` when no such folder exists.
 */
export function packageFile(...segments: string[]): string | undefined {
  for (let directory = dirname(fileURLToPath(import.meta.url)); ; directory = dirname(directory)) {
    const candidate = join(directory, ...segments);
    if (existsSync(join(directory, "package.json")) && existsSync(candidate)) return candidate;
    if (dirname(directory) === directory) return undefined;
  }
}
