import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "../../src/embedded/embedded-postgres-server.ts";

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
  const parent = mkdtempSync(join(tmpdir(), "se-letters-db-test-"));
  chmodSync(parent, 0o755); // as root the server runs as the postgres user, which must reach the folder
  const dataDirectory = join(parent, "postgres");
  const server = await startEmbeddedPostgres({
    dataDirectory,
    database: "postgres",
    postgresFlags: ["-c", "max_connections=300", "-c", "fsync=off"],
  });
  return {
    adminUrl: server.url,
    description: `embedded-postgres on ${server.description}`,
    stop: async () => {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
