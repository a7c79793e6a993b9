import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StartedPostgreSqlContainer } from "@testcontainers/postgresql";
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

/** Image of the Testcontainers PostgreSQL when `TEST_POSTGRES_IMAGE` is unset: the official PostgreSQL 15. */
export const defaultTestPostgresImage = "postgres:15-alpine";

/** Where {@link provideTestPostgresServer} reads its settings and writes its notes. */
export interface ProvideTestPostgresServerOptions {
  /** Environment holding `TEST_DATABASE_URL`, `TEST_POSTGRES_IMAGE`, `TEST_REQUIRE_TESTCONTAINERS`. Defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Receives the one line saying why Testcontainers was not used. Defaults to `console.warn`. */
  readonly log?: (line: string) => void;
}

/**
 * Provides a real PostgreSQL, in this order: `TEST_DATABASE_URL` when set; a Testcontainers PostgreSQL
 * from `TEST_POSTGRES_IMAGE` (default {@link defaultTestPostgresImage}) when a container runtime answers;
 * otherwise an embedded PostgreSQL (the `embedded-postgres` binaries). When a runtime answers but the
 * container cannot start (image missing and not pullable, daemon refusing), it logs one line saying so
 * and falls back to the embedded server. With `TEST_REQUIRE_TESTCONTAINERS=1` every way of not running
 * on Testcontainers throws instead, with that line as the message.
 */
export async function provideTestPostgresServer(options: ProvideTestPostgresServerOptions = {}): Promise<TestPostgresServer> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.warn(line));
  const required = env["TEST_REQUIRE_TESTCONTAINERS"] === "1";
  const given = env["TEST_DATABASE_URL"];
  if (given) {
    if (required) {
      throw new Error("TEST_REQUIRE_TESTCONTAINERS=1 asks for a Testcontainers PostgreSQL, but TEST_DATABASE_URL names a server: unset one of them");
    }
    const url = new URL(given);
    return { adminUrl: given, description: `TEST_DATABASE_URL (${url.hostname}:${url.port || 5432})`, stop: async () => undefined };
  }
  const attempt = await startTestcontainer(env["TEST_POSTGRES_IMAGE"] || defaultTestPostgresImage);
  if ("server" in attempt) {
    return attempt.server;
  }
  if (required) {
    throw new Error(`${attempt.reason} (TEST_REQUIRE_TESTCONTAINERS=1, so no fallback to the embedded server)`);
  }
  if (attempt.runtimeAnswered) {
    log(`${attempt.reason}; falling back to the embedded server`);
  }
  return startEmbedded();
}

/** A started Testcontainers PostgreSQL, or why there is none and whether a container runtime answered. */
type TestcontainerAttempt = { readonly server: TestPostgresServer } | { readonly reason: string; readonly runtimeAnswered: boolean };

async function startTestcontainer(image: string): Promise<TestcontainerAttempt> {
  const { getContainerRuntimeClient } = await import("testcontainers");
  try {
    await getContainerRuntimeClient();
  } catch {
    return { reason: `Testcontainers PostgreSQL (${image}) not started: no container runtime answers`, runtimeAnswered: false };
  }
  const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
  let container: StartedPostgreSqlContainer;
  try {
    container = await new PostgreSqlContainer(image).start();
  } catch (error) {
    return { reason: `Testcontainers PostgreSQL (${image}) could not start: ${firstLineOf(error)}`, runtimeAnswered: true };
  }
  return {
    server: {
      adminUrl: container.getConnectionUri().replace(/\/[^/?]*(\?|$)/, "/postgres$1"),
      description: `Testcontainers ${image} at ${container.getHost()}:${container.getPort()}`,
      stop: async () => {
        await container.stop();
      },
    },
  };
}

/** The first line of an error's message, so the fallback note stays one line. */
function firstLineOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split("\n")[0] ?? "";
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
