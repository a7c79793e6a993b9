import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, giveToServerUser } from "./own-postgres-cluster.ts";

/** Where Debian's pgbouncer package puts the binary (`apt-get install pgbouncer`; .ci/run installs it). */
export const PGBOUNCER_BINARY = "/usr/sbin/pgbouncer";

/** A PgBouncer of the test's own, in front of one PostgreSQL server. */
export interface StartedPgBouncer {
  readonly port: number;
  /** `postgresql://user:password@127.0.0.1:<port>/<database>` through the pooler (any database of the server). */
  url(database: string): string;
  /** The admin console's URL (`SHOW POOLS`, `SHOW CLIENTS`; simple protocol only). */
  readonly adminUrl: string;
  /** Stops it and deletes its folder. */
  stop(): Promise<void>;
}

/** Options of {@link startPgBouncer}. */
export interface PgBouncerOptions {
  /** The PostgreSQL server behind it. */
  readonly serverPort: number;
  readonly user: string;
  readonly password: string;
  /** Server connections per database and user pair, and at most per database. Defaults to 20. */
  readonly poolSize?: number;
  /** Defaults to `transaction`. */
  readonly poolMode?: "session" | "transaction";
  /** Startup parameters it accepts and ignores, e.g. `options`. Defaults to none: it refuses unknown ones. */
  readonly ignoreStartupParameters?: readonly string[];
}

/**
 * Starts Debian's pgbouncer (1.18 here) as the postgres user (it refuses to run as root), on a free port,
 * every database of the server reachable through it (`*`). Clients log in without a password (trust); it
 * logs in to the server with `password`.
 *
 * @throws when the pgbouncer binary is missing: install it with `apt-get install -y pgbouncer`.
 */
export async function startPgBouncer(options: PgBouncerOptions): Promise<StartedPgBouncer> {
  if (!existsSync(PGBOUNCER_BINARY)) throw new Error(`${PGBOUNCER_BINARY} is missing: apt-get install -y pgbouncer (.ci/run installs it)`);
  const folder = mkdtempSync(join(tmpdir(), "se-letters-db-pgbouncer-"));
  chmodSync(folder, 0o755);
  const port = await freePort();
  const pidFile = join(folder, "pgbouncer.pid");
  const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
  writeFileSync(join(folder, "userlist.txt"), `${quote(options.user)} ${quote(options.password)}\n`, { mode: 0o600 });
  const poolSize = options.poolSize ?? 20;
  writeFileSync(
    join(folder, "pgbouncer.ini"),
    [
      "[databases]",
      `* = host=127.0.0.1 port=${options.serverPort}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${join(folder, "userlist.txt")}`,
      `admin_users = ${options.user}`,
      `pool_mode = ${options.poolMode ?? "transaction"}`,
      `default_pool_size = ${poolSize}`,
      `max_db_connections = ${poolSize}`,
      "max_client_conn = 2000",
      ...(options.ignoreStartupParameters?.length ? [`ignore_startup_parameters = ${options.ignoreStartupParameters.join(",")}`] : []),
      `logfile = ${join(folder, "pgbouncer.log")}`,
      `pidfile = ${pidFile}`,
    ].join("\n") + "\n",
  );
  for (const file of ["userlist.txt", "pgbouncer.ini"]) giveToServerUser(join(folder, file));
  giveToServerUser(folder);
  const asRoot = process.getuid?.() === 0;
  const args = ["-d", join(folder, "pgbouncer.ini")];
  execFileSync(asRoot ? "runuser" : PGBOUNCER_BINARY, asRoot ? ["-u", "postgres", "--", PGBOUNCER_BINARY, ...args] : args, { stdio: "pipe" });
  const stopNow = () => {
    try {
      process.kill(Number(readFileSync(pidFile, "utf8").trim()), "SIGTERM");
    } catch {
      // Not started or already stopped.
    }
  };
  process.once("exit", stopNow);
  await waitForPort(port);
  const base = `postgresql://${encodeURIComponent(options.user)}@127.0.0.1:${port}`;
  return {
    port,
    url: (database) => `${base}/${database}`,
    adminUrl: `${base}/pgbouncer`,
    stop: async () => {
      process.removeListener("exit", stopNow);
      stopNow();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const open = await new Promise<boolean>((resolveOpen) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolveOpen(true);
      });
      socket.once("error", () => resolveOpen(false));
    });
    if (open) return;
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 50));
  }
  throw new Error(`pgbouncer did not listen on port ${port} within 5 s`);
}
