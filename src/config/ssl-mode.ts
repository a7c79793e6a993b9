import type { ConnectionOptions } from "node:tls";
import type { TlsFiles } from "./tls-files.ts";

/**
 * TLS modes, named as libpq names them. `prefer` and `allow` are not offered: node-postgres cannot fall
 * back from TLS to plain text, so they would silently mean something else.
 * - `disable`: no TLS.
 * - `require`: TLS, without checking the server's certificate; as in libpq, when a CA certificate is
 *   given (`sslrootcert`) the certificate is checked against it as in `verify-ca`.
 * - `verify-ca`: TLS, the certificate must be signed by a trusted CA (host name not checked).
 * - `verify-full`: TLS, trusted certificate and matching host name.
 */
export const SSL_MODES = ["disable", "require", "verify-ca", "verify-full"] as const;

/** One of {@link SSL_MODES}. */
export type SslMode = (typeof SSL_MODES)[number];

/**
 * The `ssl` option node-postgres needs for a mode and the TLS files read from the configuration. Without
 * a CA certificate, verification uses Node's trust store. The key is not enumerable, so printing the
 * options never shows it.
 */
export function tlsOptionsFor(mode: SslMode, files: TlsFiles = {}): false | ConnectionOptions {
  if (mode === "disable") return false;
  const options: ConnectionOptions = {
    ...(files.ca === undefined ? {} : { ca: files.ca }),
    ...(files.cert === undefined ? {} : { cert: files.cert }),
    rejectUnauthorized: mode !== "require" || files.ca !== undefined,
    // verify-ca checks the chain only; Node checks the host name unless told not to.
    ...(mode === "verify-full" ? {} : { checkServerIdentity: () => undefined }),
  };
  if (files.key !== undefined) Object.defineProperty(options, "key", { value: files.key, enumerable: false });
  return options;
}
