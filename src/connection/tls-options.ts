import type { ConnectionOptions } from "node:tls";
import type { SslMode } from "../config/ssl-mode.ts";
import type { TlsFiles } from "../config/tls-files.ts";

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
