/**
 * The message of a connection error, safe to show: any occurrence of the password is masked. PostgreSQL
 * and node-postgres do not put passwords in messages, but a message built from a URL might.
 */
export function safeErrorReason(error: unknown, password: string | undefined): string {
  const message = error instanceof Error ? error.message || error.name : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const reason = typeof code === "string" && !message.includes(code) ? `${message} (${code})` : message;
  return password ? reason.split(password).join("***") : reason;
}
