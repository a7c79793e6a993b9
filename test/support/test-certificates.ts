import { execFileSync } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Paths of a CA and of a server certificate it signed, made with the `openssl` CLI. */
export interface TestCertificates {
  /** The CA's certificate: what a client trusts. */
  readonly caCert: string;
  /** The server's certificate, naming only the given host names. */
  readonly serverCert: string;
  /** The server's key (mode 0600). */
  readonly serverKey: string;
  /** A client certificate signed by the CA, for the user {@link CERTIFICATE_USER} (its common name). */
  readonly clientCert: string;
  /** The client certificate's key (mode 0600). */
  readonly clientKey: string;
}

/** The user name in the client certificate: PostgreSQL's `cert` login takes the user from the common name. */
export const CERTIFICATE_USER = "cert_user";

/**
 * Makes a fresh CA, a server certificate signed by it whose subjectAltName lists exactly `names`
 * (`DNS:localhost`, `IP:127.0.0.1`), and a client certificate for {@link CERTIFICATE_USER}, in `folder`.
 * Valid for two days.
 */
export function makeTestCertificates(folder: string, names: readonly string[]): TestCertificates {
  const path = (name: string) => join(folder, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: folder, stdio: "pipe" });
  openssl(
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
    "-keyout", path("ca.key"), "-out", path("ca.crt"), "-subj", "/CN=se-letters-db test CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  );
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("server.key"), "-out", path("server.csr"), "-subj", "/CN=se-letters-db test server");
  writeFileSync(path("server.ext"), `subjectAltName=${names.join(",")}\nextendedKeyUsage=serverAuth\n`);
  openssl(
    "x509", "-req", "-in", path("server.csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"), "-CAcreateserial",
    "-days", "2", "-out", path("server.crt"), "-extfile", path("server.ext"),
  );
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("client.key"), "-out", path("client.csr"), "-subj", `/CN=${CERTIFICATE_USER}`);
  writeFileSync(path("client.ext"), "extendedKeyUsage=clientAuth\n");
  openssl(
    "x509", "-req", "-in", path("client.csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"), "-CAcreateserial",
    "-days", "2", "-out", path("client.crt"), "-extfile", path("client.ext"),
  );
  chmodSync(path("server.key"), 0o600);
  chmodSync(path("client.key"), 0o600);
  return {
    caCert: path("ca.crt"),
    serverCert: path("server.crt"),
    serverKey: path("server.key"),
    clientCert: path("client.crt"),
    clientKey: path("client.key"),
  };
}
