import { readFileSync } from "node:fs";
import type { ConfigurationIssue } from "../errors.ts";
import type { SslMode } from "./ssl-mode.ts";

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

/** Where each TLS file can be given: an option, an environment variable, a URL parameter. */
const TLS_FILE_SETTINGS = {
  rootCert: { option: "sslRootCert", variable: "DB_SSL_ROOT_CERT", parameter: "sslrootcert" },
  cert: { option: "sslCert", variable: "DB_SSL_CERT", parameter: "sslcert" },
  key: { option: "sslKey", variable: "DB_SSL_KEY", parameter: "sslkey" },
} as const;

/** The TLS file paths given in each place, by option name. */
export type TlsFileOptions = Partial<Readonly<Record<(typeof TLS_FILE_SETTINGS)[keyof TlsFilePaths]["option"], string>>>;

/** Where {@link resolveTlsFiles} looks, in order. */
export interface TlsFileSources {
  readonly options: TlsFileOptions;
  readonly fromEnv: (name: string) => string | undefined;
  readonly fromUrl: TlsFileOptions | undefined;
  /** `databaseUrl` or `DATABASE_URL`, for messages. */
  readonly urlSource: string;
}

/**
 * Finds the TLS file paths (an option over its variable over the URL's parameter) and reads the files,
 * recording in `issues`, under the name each path was given by, a file that is missing, unreadable or
 * not PEM, files given while TLS is disabled, a certificate without its key, and `sslrootcert=system`
 * with a mode other than verify-full. A path is not a secret and is shown; a key's content never is.
 */
export function resolveTlsFiles(sources: TlsFileSources, sslMode: SslMode, issues: ConfigurationIssue[]): { paths: TlsFilePaths; files: TlsFiles } {
  const paths: Record<keyof TlsFilePaths, string | undefined> = { rootCert: undefined, cert: undefined, key: undefined };
  const names: Record<keyof TlsFilePaths, string> = { rootCert: "", cert: "", key: "" };
  for (const which of ["rootCert", "cert", "key"] as const) {
    const { option, variable, parameter } = TLS_FILE_SETTINGS[which];
    const fromOption = sources.options[option];
    const fromVariable = sources.fromEnv(variable);
    paths[which] = fromOption ?? fromVariable ?? sources.fromUrl?.[option];
    names[which] = fromOption !== undefined ? option : fromVariable !== undefined ? variable : `${sources.urlSource} ${parameter}`;
    if (paths[which] !== undefined && sslMode === "disable") {
      issues.push({ variable: names[which], message: "is set but TLS is disabled (set the TLS mode to require, verify-ca or verify-full, or remove it)" });
    }
  }
  if (sslMode === "disable") return { paths, files: {} };
  if (paths.rootCert === SYSTEM_ROOT_CERT && sslMode !== "verify-full") {
    issues.push({ variable: names.rootCert, message: `is "system", which needs the TLS mode verify-full (got ${sslMode}), as in libpq` });
  }
  if ((paths.cert === undefined) !== (paths.key === undefined)) {
    const [given, missing] = paths.cert === undefined ? [names.key, "the client certificate"] : [names.cert, "the client key"];
    issues.push({ variable: given, message: `is set without ${missing}: a client certificate needs both` });
  }
  const ca = paths.rootCert === SYSTEM_ROOT_CERT ? undefined : readPem(paths.rootCert, names.rootCert, "CERTIFICATE", issues);
  const cert = readPem(paths.cert, names.cert, "CERTIFICATE", issues);
  const key = readPem(paths.key, names.key, "PRIVATE KEY", issues);
  return {
    paths,
    files: { ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) },
  };
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
