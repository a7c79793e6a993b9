import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase, type ConnectOptions, type DatabaseClient } from "../../src/client/database-client.ts";
import { DatabaseUnavailableError } from "../../src/errors.ts";
import { CERTIFICATE_USER } from "../support/test-certificates.ts";
import { startTlsPostgresCluster, type TlsPostgresCluster } from "../support/tls-postgres-cluster.ts";

// A cluster of this file's own with TLS on, whose certificate names only `localhost`, signed by a CA made
// here: Node does not trust it, so verification succeeds only when the CA is given.
let cluster: TlsPostgresCluster;

beforeAll(async () => {
  cluster = await startTlsPostgresCluster("Tls-pw-for-settings", ["DNS:localhost"]);
});
afterAll(async () => {
  await cluster?.destroy();
});

const urlFor = (host: string, query: string): string =>
  `postgresql://postgres:${encodeURIComponent(cluster.password)}@${host}:${cluster.port}/postgres${query === "" ? "" : `?${query}`}`;

async function withClient<T>(options: ConnectOptions, work: (db: DatabaseClient) => Promise<T>): Promise<T> {
  const db = await connectDatabase({ env: {}, ...options });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

async function sessionTls(db: DatabaseClient): Promise<{ ssl: boolean; version: string | null }> {
  const result = await db.pool.query<{ ssl: boolean; version: string | null }>("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
  return result.rows[0] as { ssl: boolean; version: string | null };
}

async function connectFailure(options: ConnectOptions): Promise<DatabaseUnavailableError> {
  const error = await connectDatabase({ env: {}, ...options }).then(
    async (db) => {
      await db.close();
      throw new Error("expected the connection to fail");
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DatabaseUnavailableError);
  return error as DatabaseUnavailableError;
}

describe("connectDatabase over TLS", () => {
  it("verify-full with the CA given by sslrootcert connects, encrypted", async () => {
    const tls = await withClient({ databaseUrl: urlFor("localhost", `sslmode=verify-full&sslrootcert=${encodeURIComponent(cluster.certificates.caCert)}`) }, sessionTls);
    expect(tls.ssl).toBe(true);
    expect(tls.version).toMatch(/^TLSv1\.[23]$/);
  });

  it("verify-full with the CA given by DB_SSL_ROOT_CERT connects, in the DB_* form too", async () => {
    const env = {
      DB_HOST: "localhost",
      DB_PORT: String(cluster.port),
      DB_NAME: "postgres",
      DB_USER: "postgres",
      DB_PASSWORD: cluster.password,
      DB_SSL_MODE: "verify-full",
      DB_SSL_ROOT_CERT: cluster.certificates.caCert,
    };
    expect((await withClient({ env }, sessionTls)).ssl).toBe(true);
  });

  it("verify-full without the CA fails with DatabaseUnavailableError naming the untrusted certificate", async () => {
    const error = await connectFailure({ databaseUrl: urlFor("localhost", "sslmode=verify-full") });
    // The server sends its CA in the chain (it has ssl_ca_file for client certificates): Node reports the
    // self-signed CA; without it in the chain, UNABLE_TO_VERIFY_LEAF_SIGNATURE. Both get the same hint.
    expect(error.message).toContain("self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)");
    expect(error.message).toContain("not signed by a trusted CA: give the CA certificate with sslrootcert or DB_SSL_ROOT_CERT");
  });

  it("verify-full to a host name the certificate does not list fails with DatabaseUnavailableError naming the mismatch", async () => {
    const error = await connectFailure({ databaseUrl: urlFor("127.0.0.1", `sslmode=verify-full&sslrootcert=${encodeURIComponent(cluster.certificates.caCert)}`) });
    expect(error.message).toContain("Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list");
    expect(error.message).toContain("(ERR_TLS_CERT_ALTNAME_INVALID); the server's TLS certificate does not name this host");
  });

  it("verify-ca with the CA connects even when the host name does not match", async () => {
    const tls = await withClient({ databaseUrl: urlFor("127.0.0.1", "sslmode=verify-ca"), sslRootCert: cluster.certificates.caCert }, sessionTls);
    expect(tls.ssl).toBe(true);
  });

  it("verify-ca without the CA fails: the chain is still checked", async () => {
    const error = await connectFailure({ databaseUrl: urlFor("127.0.0.1", "sslmode=verify-ca") });
    expect(error.message).toContain("SELF_SIGNED_CERT_IN_CHAIN");
  });

  it("require encrypts without checking the certificate; disable does not encrypt", async () => {
    expect((await withClient({ databaseUrl: urlFor("127.0.0.1", "sslmode=require") }, sessionTls)).ssl).toBe(true);
    expect((await withClient({ databaseUrl: urlFor("127.0.0.1", "sslmode=disable") }, sessionTls)).ssl).toBe(false);
  });
});

describe("connectDatabase with a client certificate", () => {
  const env = (): Record<string, string> => ({
    DB_HOST: "localhost",
    DB_PORT: String(cluster.port),
    DB_NAME: "postgres",
    DB_USER: CERTIFICATE_USER,
    DB_SSL_MODE: "verify-full",
    DB_SSL_ROOT_CERT: cluster.certificates.caCert,
  });

  it("logs in with DB_SSL_CERT and DB_SSL_KEY where the server requires the certificate (cert login)", async () => {
    const session = await withClient({ env: { ...env(), DB_SSL_CERT: cluster.certificates.clientCert, DB_SSL_KEY: cluster.certificates.clientKey } }, async (db) => {
      const result = await db.pool.query<{ user: string; dn: string }>("SELECT current_user AS user, client_dn AS dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
      return result.rows[0];
    });
    expect(session).toEqual({ user: CERTIFICATE_USER, dn: `/CN=${CERTIFICATE_USER}` });
  });

  it("is refused without it, with DatabaseUnavailableError saying a certificate is required", async () => {
    const error = await connectFailure({ env: env() });
    expect(error.message).toContain("connection requires a valid client certificate");
  });
});

describe("connectDatabase: libpq connection settings", () => {
  it("connects through the unix socket folder given as host", async () => {
    const url = `postgresql://postgres:${encodeURIComponent(cluster.password)}@/postgres?host=${encodeURIComponent(cluster.socketDirectory)}`;
    const address = await withClient({ databaseUrl: url, port: cluster.port }, async (db) => {
      const result = await db.pool.query<{ address: string | null }>("SELECT inet_client_addr()::text AS address");
      return result.rows[0]?.address;
    });
    expect(address).toBeNull(); // no client address: the session came over the unix socket
  });

  it("sends the URL's options to the server, with TimeZone still UTC", async () => {
    const query = `sslmode=require&application_name=settings-test&options=${encodeURIComponent("-c lock_timeout=4321 --work_mem=8MB")}`;
    const settings = await withClient({ databaseUrl: urlFor("localhost", query) }, async (db) => {
      const result = await db.pool.query<Record<string, string>>(
        "SELECT current_setting('lock_timeout') AS lock, current_setting('work_mem') AS mem, current_setting('TimeZone') AS zone, current_setting('application_name') AS app",
      );
      return result.rows[0];
    });
    expect(settings).toEqual({ lock: "4321ms", mem: "8MB", zone: "UTC", app: "settings-test" });
  });

  it("maps connection_limit to the pool size", async () => {
    const max = await withClient({ databaseUrl: urlFor("localhost", "sslmode=require&connection_limit=3") }, async (db) => db.pool.options.max);
    expect(max).toBe(3);
  });
});

describe("connectDatabase: connect_timeout", () => {
  let silent: Server;
  let silentPort: number;
  const accepted: Socket[] = [];

  beforeAll(async () => {
    // Accepts TCP connections and never answers: a server that hangs during the handshake.
    silent = createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolveListening) => silent.listen(0, "127.0.0.1", resolveListening));
    const address = silent.address();
    silentPort = typeof address === "object" && address !== null ? address.port : 0;
  });
  afterAll(async () => {
    for (const socket of accepted) socket.destroy();
    await new Promise((resolveClosed) => silent.close(resolveClosed));
  });

  it("gives up on a server that never answers after connect_timeout, with DatabaseUnavailableError", async () => {
    const started = performance.now();
    const error = await connectFailure({ databaseUrl: `postgresql://app:pw@127.0.0.1:${silentPort}/db?connect_timeout=2` });
    const elapsedMs = performance.now() - started;
    expect(accepted.length).toBeGreaterThan(0);
    expect(error.message).toMatch(/^Cannot reach PostgreSQL at app@127\.0\.0\.1:\d+\/db: .*timeout/i);
    // Not a speed goal: the wait is bounded by the setting (2 s), not by the 30 s default.
    expect(elapsedMs).toBeGreaterThanOrEqual(1_900);
    expect(elapsedMs).toBeLessThan(10_000);
  });
});
