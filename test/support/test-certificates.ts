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
}

/**
 * Makes a fresh CA and a server certificate signed by it whose subjectAltName lists exactly `names`
 * (`DNS:localhost`, `IP:127.0.0.1`), in `folder`. Valid for two days.
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
  chmodSync(path("server.key"), 0o600);
  return { caCert: path("ca.crt"), serverCert: path("server.crt"), serverKey: path("server.key") };
}
