import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { duckDbVersionProblem, SUPPORTED_DUCKDB } from "../../src/importer/duckdb-module.ts";

// The importer reads DuckDB's vectors at a low level: it accepts the line it was tested on, in the `-r.N`
// release style DuckDB publishes, and refuses other lines with a message naming the package and the versions.
describe("duckDbVersionProblem", () => {
  it("accepts every release of the supported line, prerelease-style or not", () => {
    for (const version of [...SUPPORTED_DUCKDB.tested, "1.5.0", "1.5.7-r.2", "1.5.12-r.10"]) {
      expect(duckDbVersionProblem(version), version).toBeUndefined();
    }
  });

  it("refuses another line, naming the installed version, the supported line and the tested versions", () => {
    for (const version of ["1.4.4-r.4", "1.6.0-r.1", "2.5.0", "0.1.5", "not-a-version"]) {
      const problem = duckDbVersionProblem(version);
      expect(problem, version).toContain(`@duckdb/node-api ${version} is installed`);
      expect(problem).toContain("DuckDB 1.5 (@duckdb/node-api 1.5.x, tested with 1.5.0-r.1, 1.5.5-r.5, 1.5.6-r.1)");
      expect(problem).toContain("npm install @duckdb/node-api@1.5.6-r.1");
    }
  });

  it("accepts the @duckdb/node-api installed for the tests", () => {
    const installed = JSON.parse(readFileSync(new URL("../../node_modules/@duckdb/node-api/package.json", import.meta.url), "utf8")) as { version: string };
    expect(duckDbVersionProblem(installed.version)).toBeUndefined();
  });
});
