import { tlsFailureHint } from "./tls-failure-hint.ts";

/**
 * The message of a connection error, safe to show: any occurrence of the password, as is or
 * percent-encoded as in a URL, is masked. PostgreSQL and node-postgres do not put passwords in messages,
 * but a message built from a URL might. A failed TLS check also says which setting to change.
 */
export function safeErrorReason(error: unknown, password: string | undefined): string {
  const message = error instanceof Error ? error.message || error.name : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const coded = typeof code === "string" && !message.includes(code) ? `${message} (${code})` : message;
  const hint = tlsFailureHint(typeof code === "string" ? code : undefined);
  return maskPassword(hint === undefined ? coded : `${coded}; ${hint}`, password);
}

/** `text` with every occurrence of the password, as is or percent-encoded, replaced by `***`. */
function maskPassword(text: string, password: string | undefined): string {
  if (!password) return text;
  const forms = new Set([password, encodeURIComponent(password), encodeURI(password)]);
  let masked = text;
  for (const form of forms) masked = masked.split(form).join("***");
  return masked;
}
