import { giveToServerUser, startOwnPostgresCluster, type OwnPostgresCluster } from "./own-postgres-cluster.ts";
import { makeTestCertificates, type TestCertificates } from "./test-certificates.ts";

/** A cluster of the test's own with TLS on, and the CA and certificate it serves. */
export interface TlsPostgresCluster extends OwnPostgresCluster {
  readonly certificates: TestCertificates;
}

/**
 * Starts a cluster of the test's own with `ssl=on` and a server certificate whose subjectAltName lists
 * exactly `names`, signed by a CA made for it: Node does not trust that CA, so verification succeeds only
 * when the CA is given. Plain connections are still accepted.
 */
export async function startTlsPostgresCluster(password: string, names: readonly string[]): Promise<TlsPostgresCluster> {
  let certificates: TestCertificates | undefined;
  const cluster = await startOwnPostgresCluster({
    password,
    prepare: (folder) => {
      certificates = makeTestCertificates(folder, names);
      giveToServerUser(certificates.serverKey);
    },
    // Relative to the data folder, which sits beside the certificates.
    settings: { ssl: "on", ssl_cert_file: "../server.crt", ssl_key_file: "../server.key" },
  });
  return { ...cluster, certificates: certificates as TestCertificates };
}
