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
