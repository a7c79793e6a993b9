/** Node's codes for a server certificate that does not chain to a trusted CA. */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
]);

/**
 * What to do about a failed TLS check, by the error's code: `undefined` when the error is not one.
 * The reason itself (Node's message) is kept by the caller; this says which setting to change.
 */
export function tlsFailureHint(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  if (UNTRUSTED_CERTIFICATE_CODES.has(code)) {
    return "the server's TLS certificate is not signed by a trusted CA: give the CA certificate with sslrootcert or DB_SSL_ROOT_CERT";
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return "the server's TLS certificate does not name this host: connect with a host name it lists, or use sslmode=verify-ca";
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") return "the server's TLS certificate is outside its validity dates";
  return undefined;
}
