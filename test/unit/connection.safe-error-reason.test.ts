import { describe, expect, it } from "vitest";
import { safeErrorReason } from "../../src/connection/safe-error-reason.ts";

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe("safeErrorReason", () => {
  it("masks the password as is and percent-encoded", () => {
    const password = "p@ss/w:rd?";
    const error = new Error(`failed for postgresql://u:${encodeURIComponent(password)}@h/d and ${password}`);
    expect(safeErrorReason(error, password)).toBe("failed for postgresql://u:***@h/d and ***");
  });

  it("adds the code, and for a failed TLS check which setting to change", () => {
    expect(safeErrorReason(withCode("connect ECONNREFUSED 127.0.0.1:1", "ECONNREFUSED"), undefined)).toBe("connect ECONNREFUSED 127.0.0.1:1");
    for (const code of ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT"]) {
      expect(safeErrorReason(withCode("untrusted", code), undefined)).toBe(
        `untrusted (${code}); the server's TLS certificate is not signed by a trusted CA: give the CA certificate with sslrootcert or DB_SSL_ROOT_CERT`,
      );
    }
    expect(safeErrorReason(withCode("Hostname/IP does not match", "ERR_TLS_CERT_ALTNAME_INVALID"), undefined)).toContain("use sslmode=verify-ca");
    expect(safeErrorReason(withCode("certificate has expired", "CERT_HAS_EXPIRED"), undefined)).toContain("outside its validity dates");
  });
});
