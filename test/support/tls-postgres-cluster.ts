import { giveToServerUser, startOwnPostgresCluster, type OwnPostgresCluster } from "./own-postgres-cluster.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { CERTIFICATE_USER, makeTestCertificates, type TestCertificates } from "./test-certificates.ts";

/** A cluster of the test's own with TLS on, and the CA and certificate it serves. */
export interface TlsPostgresCluster extends OwnPostgresCluster {
  readonly certificates: TestCertificates;
}

/**
 * Starts a cluster of the test's own with `ssl=on` and a server certificate whose subjectAltName lists
 * exactly `names`, signed by a CA made for it: Node does not trust that CA, so verification succeeds only
 * when the CA is given. Plain connections are still accepted. The role {@link CERTIFICATE_USER} logs in
 * only over TLS with the client certificate (`cert`); every other role with its password (SCRAM).
 */
export async function startTlsPostgresCluster(password: string, names: readonly string[]): Promise<TlsPostgresCluster> {
  let certificates: TestCertificates | undefined;
  const cluster = await startOwnPostgresCluster({
    password,
    prepare: (folder) => {
      certificates = makeTestCertificates(folder, names);
      giveToServerUser(certificates.serverKey);
      writeFileSync(
        join(folder, "pg_hba.conf"),
        [
          "local all all scram-sha-256",
          ...["127.0.0.1/32", "::1/128"].flatMap((address) => [
            `hostssl all ${CERTIFICATE_USER} ${address} cert`,
            `host all ${CERTIFICATE_USER} ${address} reject`,
            `host all all ${address} scram-sha-256`,
          ]),
        ].join("\n") + "\n",
      );
    },
    settings: (folder) => ({
      ssl: "on",
      ssl_cert_file: join(folder, "server.crt"),
      ssl_key_file: join(folder, "server.key"),
      ssl_ca_file: join(folder, "ca.crt"),
      hba_file: join(folder, "pg_hba.conf"),
    }),
  });
  const admin = new pg.Client({ host: cluster.socketDirectory, port: cluster.port, user: "postgres", password, database: "postgres" });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${CERTIFICATE_USER} LOGIN`);
  } finally {
    await admin.end();
  }
  return { ...cluster, certificates: certificates as TestCertificates };
}
