import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/run-cli.ts";
import { connectDatabase, type ConnectOptions } from "../../src/client/database-client.ts";
import { checkDatabaseHealth } from "../../src/client/health-check.ts";
import { resolveDatabaseConfig } from "../../src/config/database-config.ts";
import { freePort } from "../support/own-postgres-cluster.ts";
import { createDuckDbFile, insertLetter } from "../support/duckdb-files.ts";
import { startTlsPostgresCluster, type TlsPostgresCluster } from "../support/tls-postgres-cluster.ts";

// Passwords with characters that URLs percent-encode, so that both spellings are searched for.
const PASSWORD = `S3cr3t-pw-${randomBytes(6).toString("hex")}/:@?#%`;
const WRONG_PASSWORD = `Wr0ng-pw-${randomBytes(6).toString("hex")}/:@?#%`;
const SECRETS = [PASSWORD, WRONG_PASSWORD].flatMap((secret) => [secret, encodeURIComponent(secret), secret.slice(0, 16)]);

let cluster: TlsPostgresCluster;

beforeAll(async () => {
  cluster = await startTlsPostgresCluster(PASSWORD, ["DNS:localhost"]);
});
afterAll(async () => {
  await cluster?.destroy();
});

const urlWith = (password: string, host = "localhost", port = cluster.port, query = "sslmode=require"): string =>
  `postgresql://postgres:${encodeURIComponent(password)}@${host}:${port}/postgres?${query}`;

/** Every string reachable from `value`: own properties, enumerable or not, `cause` chains, stacks. */
function reachableStrings(value: unknown, seen = new Set<unknown>(), depth = 0): string[] {
  if (typeof value === "string") return [value];
  if (typeof value !== "object" || value === null || seen.has(value) || depth > 12) return [];
  seen.add(value);
  const strings: string[] = [];
  for (const key of Reflect.ownKeys(value)) {
    let property: unknown;
    try {
      property = (value as Record<PropertyKey, unknown>)[key];
    } catch {
      continue;
    }
    strings.push(...reachableStrings(property, seen, depth + 1));
  }
  return strings;
}

/** JSON.stringify as loggers do it, cycles (a TLS error's certificate chain) cut. */
function toJson(value: unknown): string {
  const seen = new WeakSet<object>();
  return (
    JSON.stringify(value, (_key, property: unknown) => {
      if (typeof property !== "object" || property === null) return property;
      if (seen.has(property)) return "[Circular]";
      seen.add(property);
      return property;
    }) ?? ""
  );
}

/** Every way an error is commonly shown or logged, and every string reachable from it. */
function renderings(error: unknown): string[] {
  const causes: unknown[] = [];
  for (let cause = (error as { cause?: unknown }).cause; cause !== undefined && causes.length < 10; cause = (cause as { cause?: unknown }).cause) causes.push(cause);
  return [
    String(error),
    inspect(error, { depth: 20 }),
    inspect(error, { depth: 20, showHidden: true }),
    toJson(error),
    ...causes.flatMap((cause) => [String(cause), toJson(cause)]),
    ...reachableStrings(error),
  ];
}

function expectNoSecret(texts: readonly string[], where: string): void {
  for (const text of texts) for (const secret of SECRETS) expect(text.includes(secret), `${where} shows a password: ${text.slice(0, 300)}`).toBe(false);
}

async function failureOf(options: ConnectOptions): Promise<unknown> {
  return connectDatabase({ env: {}, ...options }).then(
    async (db) => {
      await db.close();
      throw new Error("expected the connection to fail");
    },
    (caught: unknown) => caught,
  );
}

async function cli(...argv: string[]): Promise<string[]> {
  const lines: string[] = [];
  const code = await runCli(argv, (line) => lines.push(line), (line) => lines.push(line));
  expect(code).not.toBe(0);
  return lines;
}

let console_: string[];
beforeEach(() => {
  console_ = [];
  for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      console_.push(args.map((arg) => (typeof arg === "string" ? arg : inspect(arg, { depth: 20, showHidden: true }))).join(" "));
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
  expectNoSecret(console_, "console output");
});

describe("no password in errors, logs or CLI output", () => {
  it("on a wrong password", async () => {
    const error = await failureOf({ databaseUrl: urlWith(WRONG_PASSWORD) });
    expect((error as Error).message).toContain('password authentication failed for user "postgres"');
    expectNoSecret(renderings(error), "the error");
    const viaDbVariables = await failureOf({
      env: { DB_HOST: "localhost", DB_PORT: String(cluster.port), DB_NAME: "postgres", DB_USER: "postgres", DB_PASSWORD: WRONG_PASSWORD, DB_SSL_MODE: "require" },
    });
    expectNoSecret(renderings(viaDbVariables), "the error (DB_* form)");
  });

  it("on a TLS failure", async () => {
    const error = await failureOf({ databaseUrl: urlWith(PASSWORD, "127.0.0.1", cluster.port, `sslmode=verify-full&sslrootcert=${cluster.certificates.caCert}`) });
    expect((error as Error).message).toContain("ERR_TLS_CERT_ALTNAME_INVALID");
    expectNoSecret(renderings(error), "the error");
  });

  it("on an unreachable server and on a server that never answers", async () => {
    const refused = await failureOf({ databaseUrl: urlWith(PASSWORD, "127.0.0.1", await freePort()) });
    expect((refused as Error).message).toContain("ECONNREFUSED");
    expectNoSecret(renderings(refused), "the error");
    const unknownHost = await failureOf({ databaseUrl: urlWith(PASSWORD, "no-such-host.invalid") });
    expect((unknownHost as Error).message).toMatch(/ENOTFOUND|EAI_AGAIN/);
    expectNoSecret(renderings(unknownHost), "the error");
  });

  it("on invalid configuration holding a password", async () => {
    const badPort = await failureOf({ databaseUrl: `postgresql://postgres:${encodeURIComponent(PASSWORD)}@localhost:notaport/postgres` });
    const badParameter = await failureOf({ databaseUrl: `${urlWith(PASSWORD)}&password_hint=${encodeURIComponent(PASSWORD)}` });
    expect((badParameter as Error).message).toContain('unsupported parameter "password_hint"');
    expectNoSecret([...renderings(badPort), ...renderings(badParameter)], "the configuration error");
    const config = resolveDatabaseConfig({ databaseUrl: urlWith(PASSWORD), env: {} });
    expectNoSecret([JSON.stringify(config), inspect(config, { depth: 20 }), String(Object.values(config))], "the printed configuration");
  });

  it("when the server restarts under a connected client (pool error, failed statement, recovery)", async () => {
    const db = await connectDatabase({ databaseUrl: urlWith(PASSWORD), poolSize: 3, env: {} });
    try {
      await Promise.all([1, 2, 3].map(() => db.pool.query("SELECT pg_sleep(0.05)")));
      const running = db.pool.query("SELECT pg_sleep(60)").catch((error: unknown) => error);
      const runningPrisma = db.prisma.$queryRaw`SELECT pg_sleep(60)`.catch((error: unknown) => error);
      await new Promise((resolveSoon) => setTimeout(resolveSoon, 200));
      await cluster.restart();
      const [statementError, prismaError] = await Promise.all([running, runningPrisma]);
      expect(statementError).toBeInstanceOf(Error);
      expect(prismaError).toBeInstanceOf(Error);
      expectNoSecret([...renderings(statementError), ...renderings(prismaError)], "the failed statement's error");
      await vi.waitFor(() => expect(console_.some((line) => line.includes("an idle pooled connection failed") && line.includes("target=postgres@localhost"))).toBe(true), { timeout: 5_000 });
      expect((await db.pool.query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one).toBe(1);
      const health = await checkDatabaseHealth(db);
      expectNoSecret([JSON.stringify(health)], "the health report");
    } finally {
      await db.close();
    }
  });

  it("in the CLI's output, --json included, for every failure", async () => {
    const source = await createDuckDbFile(join(cluster.folder, "source.duckdb"), [insertLetter(1)]);
    const rejects = join(cluster.folder, "rejects.jsonl");
    const outputs = [
      await cli("status", "--database-url", urlWith(WRONG_PASSWORD)),
      await cli("status", "--json", "--database-url", urlWith(WRONG_PASSWORD)),
      await cli("status", "--json", "--database-url", urlWith(PASSWORD, "127.0.0.1", cluster.port, "sslmode=verify-full")),
      await cli("migrate", "--database-url", urlWith(PASSWORD, "127.0.0.1", await freePort())),
      await cli("migrate", "--database-url", `postgresql://postgres:${encodeURIComponent(PASSWORD)}@localhost:notaport/postgres`),
      await cli("roles", "--json", "--database-url", urlWith(WRONG_PASSWORD)),
      await cli("import", "--from", source, "--rejects", rejects, "--database-url", urlWith(WRONG_PASSWORD)),
      await cli("verify", "--json", "--from", source, "--database-url", urlWith(WRONG_PASSWORD)),
    ];
    for (const index of [0, 5, 6, 7]) expect(outputs[index]?.join("\n")).toContain("password authentication failed");
    expect(JSON.parse(outputs[1]?.[0] ?? "{}")).toMatchObject({ healthy: false, reachable: false });
    for (const [index, lines] of outputs.entries()) expectNoSecret(lines, `CLI run ${index}`);
  });
});
