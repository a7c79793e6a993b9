import { readFileSync } from "node:fs";
import type { ConfigurationIssue } from "../errors.ts";

/** Paths of the PEM files for TLS, as given (libpq's `sslrootcert`, `sslcert`, `sslkey`). */
export interface TlsFilePaths {
  /** CA certificate(s) the server's certificate must be signed by; {@link SYSTEM_ROOT_CERT} for Node's trust store. */
  readonly rootCert: string | undefined;
  /** Client certificate, for servers that ask for one (`clientcert` in pg_hba.conf). */
  readonly cert: string | undefined;
  /** The client certificate's private key. */
  readonly key: string | undefined;
}

/** libpq's `sslrootcert=system`: trust the system's CAs (Node's trust store here); only with `verify-full`, as in libpq. */
export const SYSTEM_ROOT_CERT = "system";

/** The contents of {@link TlsFilePaths}, as node:tls takes them (`ca`, `cert`, `key`). The key is a secret. */
export interface TlsFiles {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

/** Where each path came from (an environment variable, an option or the URL), for messages. */
export type TlsFileSources = Readonly<Record<keyof TlsFilePaths, string>>;

/**
 * Reads the TLS files, recording in `issues` each one that is missing, unreadable or not PEM, by the name
 * it was given under and its path (a path is not a secret; a key's content is, and is never shown).
 */
export function readTlsFiles(paths: TlsFilePaths, sources: TlsFileSources, issues: ConfigurationIssue[]): TlsFiles {
  if ((paths.cert === undefined) !== (paths.key === undefined)) {
    const [given, missing] = paths.cert === undefined ? [sources.key, "the client certificate"] : [sources.cert, "the client key"];
    issues.push({ variable: given, message: `is set without ${missing}: a client certificate needs both` });
  }
  const ca = paths.rootCert === SYSTEM_ROOT_CERT ? undefined : readPem(paths.rootCert, sources.rootCert, "CERTIFICATE", issues);
  const cert = readPem(paths.cert, sources.cert, "CERTIFICATE", issues);
  const key = readPem(paths.key, sources.key, "PRIVATE KEY", issues);
  return { ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) };
}

function readPem(path: string | undefined, variable: string, label: string, issues: ConfigurationIssue[]): string | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    issues.push({ variable, message: `cannot be read from ${JSON.stringify(path)}: ${describeFileError(error)}` });
    return undefined;
  }
  if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(text)) {
    issues.push({ variable, message: `${JSON.stringify(path)} is not a PEM file holding a ${label.toLowerCase()}` });
    return undefined;
  }
  return text;
}

function describeFileError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case "ENOENT":
      return "no such file (ENOENT)";
    case "EACCES":
      return "permission denied (EACCES)";
    case "EISDIR":
      return "it is a directory (EISDIR)";
    default:
      return typeof code === "string" ? code : "unreadable";
  }
}
