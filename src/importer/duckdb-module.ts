import { createRequire } from "node:module";
import { ImportSourceError } from "../errors.ts";

/** The `@duckdb/node-api` module, loaded at first use: services that never import need not install it. */
export type DuckDbModule = typeof import("@duckdb/node-api");

/** The `@duckdb/node-bindings` that the installed `@duckdb/node-api` itself uses (same version by construction). */
export type DuckDbBindings = typeof import("@duckdb/node-bindings");

/**
 * The `@duckdb/node-api` releases the importer reads. It reads DuckDB's vectors through the low-level
 * bindings (string layout, validity masks), so a DuckDB line it was not tested on is refused rather than
 * misread. DuckDB publishes only `-r.N` releases (`1.5.5-r.5`): every one of the line is accepted.
 */
export const SUPPORTED_DUCKDB = Object.freeze({
  /** DuckDB major.minor whose `@duckdb/node-api` releases (any patch, any `-r.N`) are accepted. */
  line: "1.5",
  /** Releases the importer's integration tests passed on. */
  tested: Object.freeze(["1.5.0-r.1", "1.5.5-r.5", "1.5.6-r.1"]),
});

const PACKAGE = "@duckdb/node-api";
const supported = `the importer supports DuckDB ${SUPPORTED_DUCKDB.line} (${PACKAGE} ${SUPPORTED_DUCKDB.line}.x, tested with ${SUPPORTED_DUCKDB.tested.join(", ")})`;
const installHint = `run \`npm install ${PACKAGE}@${SUPPORTED_DUCKDB.tested.at(-1)}\``;

/**
 * Why the importer cannot use `@duckdb/node-api` at `version`, or `undefined` when it is of the supported line.
 */
export function duckDbVersionProblem(version: string): string | undefined {
  const match = /^(\d+)\.(\d+)\.\d+(?:-[0-9A-Za-z.-]+)?$/.exec(version);
  if (match !== null && `${match[1]}.${match[2]}` === SUPPORTED_DUCKDB.line) return undefined;
  return `${PACKAGE} ${version} is installed, but ${supported}: ${installHint}`;
}

let loaded: DuckDbModule | undefined;

/**
 * Loads `@duckdb/node-api` for reading or writing `file`, after checking that it is installed and of the
 * supported line. `failure` makes the error thrown when it cannot (the catalogue throws its own).
 *
 * @throws {ImportSourceError} (or `failure`'s error) naming the package and the supported versions when it is
 *   missing, of another line, or cannot load (for example no native binding for this platform).
 */
export async function loadDuckDb(
  file: string,
  failure: (problem: string, cause?: unknown) => Error = (problem, cause) => new ImportSourceError(file, [problem], cause === undefined ? undefined : { cause }),
): Promise<DuckDbModule> {
  if (loaded !== undefined) return loaded;
  let version: string;
  try {
    version = (createRequire(import.meta.url)(`${PACKAGE}/package.json`) as { version: string }).version;
  } catch (error) {
    throw failure(`the optional package ${PACKAGE} is not installed; ${supported}: ${installHint}`, error);
  }
  const problem = duckDbVersionProblem(version);
  if (problem !== undefined) throw failure(problem);
  try {
    loaded = await import("@duckdb/node-api");
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw failure(`${PACKAGE} ${version} is installed but cannot be loaded (${reason}); ${supported}`, error);
  }
  return loaded;
}

let bindings: DuckDbBindings | undefined;

/**
 * The low-level bindings, for raw vector access, loaded through `@duckdb/node-api`'s own dependency.
 * Call after {@link loadDuckDb} (which checks the installed version).
 */
export function duckDbBindings(): DuckDbBindings {
  if (bindings === undefined) {
    const here = createRequire(import.meta.url);
    const api = createRequire(here.resolve(PACKAGE));
    bindings = api("@duckdb/node-bindings") as DuckDbBindings;
  }
  return bindings;
}
