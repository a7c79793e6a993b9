import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = "/usr/lib/postgresql/15/bin";

/**
 * A PostgreSQL 15 cluster a test file creates for itself (Debian's initdb and pg_ctl), so that it may
 * restart it or turn TLS on without touching the shared server. Listens on `localhost` and on a unix
 * socket in {@link socketDirectory}; user `postgres` logs in with {@link password} (SCRAM).
 */
export interface OwnPostgresCluster {
  readonly port: number;
  /** The postgres user's password. */
  readonly password: string;
  /** A folder of this cluster's own, readable by the server, for certificates and the like. */
  readonly folder: string;
  /** Where the server's unix socket is. */
  readonly socketDirectory: string;
  /** Stops the server (fast shutdown: sessions are ended) and starts it again on the same port. */
  restart(): Promise<void>;
  /** Stops the server and deletes its folder. */
  destroy(): Promise<void>;
}

/** Options of {@link startOwnPostgresCluster}. */
export interface OwnPostgresClusterOptions {
  readonly password: string;
  /** Server settings (`-c name=value`), given the cluster's folder for paths in it. */
  readonly settings?: (folder: string) => Readonly<Record<string, string>>;
  /** Writes files into the cluster's folder before the server starts (certificates, keys). */
  readonly prepare?: (folder: string) => void;
}

/** Creates and starts a cluster of this test's own. As root, the server runs as the postgres user. */
export async function startOwnPostgresCluster(options: OwnPostgresClusterOptions): Promise<OwnPostgresCluster> {
  const folder = mkdtempSync(join(tmpdir(), "se-letters-db-cluster-"));
  chmodSync(folder, 0o755); // the postgres user must enter it
  const data = join(folder, "data");
  const socketDirectory = join(folder, "socket");
  for (const directory of [data, socketDirectory]) {
    mkdirSync(directory, { mode: 0o700 });
    giveToServerUser(directory);
  }
  const passwordFile = join(folder, "password");
  writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
  giveToServerUser(passwordFile);
  asServerUser(`${BIN}/initdb`, ["-D", data, "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${passwordFile}`, "--no-sync"], folder);
  rmSync(passwordFile);
  options.prepare?.(folder);

  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: "localhost",
    unix_socket_directories: socketDirectory,
    fsync: "off",
    ...options.settings?.(folder),
  };
  const serverOptions = [`-p ${port}`, ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`)].join(" ");
  const pgCtl = (...args: string[]) => asServerUser(`${BIN}/pg_ctl`, ["-D", data, "-w", "-t", "30", ...args], folder);
  // With its log in a file, the server does not hold pg_ctl's output pipe, which execFileSync waits on.
  const log = join(data, "server.log");
  try {
    pgCtl("-l", log, "-o", serverOptions, "start");
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  // A test run that ends without destroy() (a crash, a timeout) must not leave the server running.
  const stopOnExit = () => {
    try {
      pgCtl("-m", "immediate", "stop");
    } catch {
      // Already stopped.
    }
  };
  process.once("exit", stopOnExit);

  return {
    port,
    password: options.password,
    folder,
    socketDirectory,
    restart: async () => {
      pgCtl("-m", "fast", "-l", log, "-o", serverOptions, "restart");
    },
    destroy: async () => {
      process.removeListener("exit", stopOnExit);
      try {
        pgCtl("-m", "immediate", "stop");
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}

/** Makes a file or folder the server's own: the postgres user when running as root. */
export function giveToServerUser(path: string): void {
  if (process.getuid?.() !== 0) return;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  chownSync(path, id("-u"), id("-g"));
}

function asServerUser(command: string, args: string[], cwd: string): void {
  const asRoot = process.getuid?.() === 0;
  execFileSync(asRoot ? "runuser" : command, asRoot ? ["-u", "postgres", "--", command, ...args] : args, { cwd, stdio: "pipe" });
}

/** A TCP port nothing listens on at the moment. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}
