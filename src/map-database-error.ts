import {
  DatabaseUnavailableError,
  ForeignKeyViolationError,
  InsufficientPrivilegeError,
  NotFoundError,
  QueryTimeoutError,
  TransactionConflictError,
  UniqueConflictError,
  isDatabaseError,
} from "./errors.ts";

/** The fields of a Prisma error and of the driver-adapter error under it that the mapping reads. */
interface ErrorFacts {
  prismaCode: string | undefined;
  sqlState: string | undefined;
  kind: string | undefined;
  constraint: string | undefined;
  table: string | undefined;
  host: string | undefined;
  port: number | string | undefined;
  modelName: string | undefined;
  nodeCode: string | undefined;
  messages: string[];
}

// SQLSTATEs meaning the server went away or will not take the session: class 08 (connection
// exception), admin/crash shutdown, "cannot connect now", too many connections.
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[1-3]|53300)$/;
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "TlsConnectionError",
  "DatabaseDoesNotExist",
  "AuthenticationFailed",
  "DatabaseAccessDenied",
]);
const UNAVAILABLE_NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EHOSTUNREACH", "EPIPE"]);
// node-postgres raises these as plain Errors without a code.
const UNAVAILABLE_MESSAGES = /timeout exceeded when trying to connect|Connection terminated|Can't reach database server|Client has encountered a connection error/i;
// node-postgres's own bound on waiting for an answer (`query_timeout`, set from queryTimeoutMs).
const CLIENT_TIMEOUT_MESSAGE = /^Query read timeout$/;
// Prisma's interactive transaction outlived its `timeout` (P2028; the same code also covers other transaction API errors).
const EXPIRED_TRANSACTION_MESSAGE = /expired transaction|timeout for this transaction/i;

/**
 * How a call failed to get through to PostgreSQL, which decides what may be retried:
 * - `acquire-timeout`: no connection within `connectionTimeoutMs` (pool wait or connect): never sent;
 * - `not-sent`: no connection could be had (refused, server starting or shutting down, too many
 *   connections, client already broken): the statement never reached the server;
 * - `lost`: an open connection broke (reset, terminated by the server or an administrator, SQLSTATE
 *   class 08): a statement in flight may or may not have run;
 * - `client-timeout`: no answer within the client's bound; a statement in flight may or may not have run.
 */
export type ConnectionFailure = "acquire-timeout" | "not-sent" | "lost" | "client-timeout";

// node-postgres's pool: no idle connection in time, or a new one not opened in time.
const ACQUIRE_TIMEOUT_MESSAGES = /timeout exceeded when trying to connect|Connection terminated due to connection timeout/i;
// Refused at connection start: starting up or shutting down, too many connections, client unable to
// connect or rejected, login refused, no such database.
const NOT_SENT_SQLSTATES = /^(57P03|53300|08001|08004|28...|3D000)$/;
const NOT_SENT_NODE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH"]);
const NOT_SENT_MESSAGES = /Client has encountered a connection error and is not queryable|Can't reach database server/i;

/**
 * The one place where errors from Prisma, its `pg` driver adapter and `pg` itself become this package's
 * errors: unique violations become {@link UniqueConflictError}, foreign-key violations
 * {@link ForeignKeyViolationError}, Prisma's "record not found" {@link NotFoundError}, and every way of
 * not reaching the server (refused, reset, timed out, pool timeout, server shutting down, SQLSTATE class
 * 08) {@link DatabaseUnavailableError}. Errors of this package pass through; anything else is returned
 * unchanged, so no information is lost.
 */
export function mapDatabaseError(error: unknown): unknown {
  if (isDatabaseError(error) || typeof error !== "object" || error === null) return error;
  const facts = readFacts(error);

  if (facts.sqlState === "23505" || facts.kind === "UniqueConstraintViolation" || facts.prismaCode === "P2002") {
    return new UniqueConflictError(facts.constraint, facts.table, { cause: error });
  }
  if (facts.sqlState === "23503" || facts.kind === "ForeignKeyConstraintViolation" || facts.prismaCode === "P2003") {
    return new ForeignKeyViolationError(facts.constraint, { cause: error });
  }
  if (facts.prismaCode === "P2025") {
    return new NotFoundError(facts.modelName === undefined ? "record" : lowerFirst(facts.modelName), undefined, { cause: error });
  }
  if (facts.sqlState === "42501") {
    return new InsufficientPrivilegeError(
      targetOf(facts),
      `PostgreSQL refused the statement for lack of privilege (SQLSTATE 42501): ${facts.messages[0] ?? "permission denied"}. ` +
        "Writes need a login role granted se_letters_service; se_letters_readonly may only read (see se-letters-db roles).",
      { cause: error },
    );
  }
  const timeout = timeoutKindOf(facts);
  if (timeout !== undefined) return new QueryTimeoutError(timeout, { cause: error });
  if (facts.sqlState === "40P01" || facts.sqlState === "40001") return new TransactionConflictError(facts.sqlState, 1, { cause: error });
  if (isUnavailable(facts)) {
    return new DatabaseUnavailableError(targetOf(facts), unavailableReason(facts), { cause: error });
  }
  return error;
}

/**
 * Whether `error` (raw, or mapped by {@link mapDatabaseError}: its `cause` chain is read) means the call
 * did not get through to PostgreSQL, and at which stage; `undefined` for any other error.
 */
export function connectionFailureOf(error: unknown): ConnectionFailure | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const facts = readFacts(error);
  if (facts.messages.some((message) => CLIENT_TIMEOUT_MESSAGE.test(message))) return "client-timeout";
  if (!isUnavailable(facts) && facts.sqlState !== "25P03") return undefined;
  if (facts.messages.some((message) => ACQUIRE_TIMEOUT_MESSAGES.test(message))) return "acquire-timeout";
  if (
    (facts.sqlState !== undefined && NOT_SENT_SQLSTATES.test(facts.sqlState)) ||
    (facts.nodeCode !== undefined && NOT_SENT_NODE_CODES.has(facts.nodeCode)) ||
    // The adapter's own description of a refused connection or unknown host carries no code.
    (facts.kind === "DatabaseNotReachable" && facts.nodeCode === undefined) ||
    facts.messages.some((message) => NOT_SENT_MESSAGES.test(message))
  ) {
    return "not-sent";
  }
  return "lost";
}

/** The SQLSTATE PostgreSQL gave for `error` (a Prisma, driver-adapter or `pg` error), if any. */
export function sqlStateOf(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? readFacts(error).sqlState : undefined;
}

/** Runs `work` and rethrows whatever it throws through {@link mapDatabaseError}. */
export async function withMappedErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw mapDatabaseError(error);
  }
}

function targetOf(facts: ErrorFacts): string {
  return facts.host === undefined ? "the configured server" : `${facts.host}${facts.port === undefined ? "" : `:${facts.port}`}`;
}

function timeoutKindOf(facts: ErrorFacts): QueryTimeoutError["timeout"] | undefined {
  if (facts.sqlState === "57014" && facts.messages.some((message) => /statement timeout/i.test(message))) return "statement";
  if (facts.sqlState === "55P03" && facts.messages.some((message) => /lock timeout/i.test(message))) return "lock";
  if (facts.sqlState === "25P03") return "idle-in-transaction";
  if (facts.messages.some((message) => CLIENT_TIMEOUT_MESSAGE.test(message))) return "client";
  if (facts.prismaCode === "P2028" && facts.messages.some((message) => EXPIRED_TRANSACTION_MESSAGE.test(message))) return "transaction";
  return undefined;
}

function isUnavailable(facts: ErrorFacts): boolean {
  return (
    (facts.sqlState !== undefined && UNAVAILABLE_SQLSTATES.test(facts.sqlState)) ||
    (facts.prismaCode !== undefined && UNAVAILABLE_PRISMA_CODES.has(facts.prismaCode)) ||
    (facts.kind !== undefined && UNAVAILABLE_ADAPTER_KINDS.has(facts.kind)) ||
    facts.messages.some((message) => UNAVAILABLE_MESSAGES.test(message))
  );
}

const KIND_REASONS: Readonly<Record<string, string>> = {
  DatabaseNotReachable: "connection refused or host not found",
  ConnectionClosed: "connection closed by the server",
  SocketTimeout: "connection timed out",
  TooManyConnections: "too many connections",
  TlsConnectionError: "TLS connection failed",
  DatabaseDoesNotExist: "database does not exist",
  AuthenticationFailed: "authentication failed",
  DatabaseAccessDenied: "access to the database denied",
};

function unavailableReason(facts: ErrorFacts): string {
  if (facts.kind !== undefined && KIND_REASONS[facts.kind] !== undefined) return `${KIND_REASONS[facts.kind]} (${facts.kind})`;
  if (facts.sqlState !== undefined) return `SQLSTATE ${facts.sqlState}`;
  const message = facts.messages.find((text) => UNAVAILABLE_MESSAGES.test(text));
  return message === undefined ? (facts.prismaCode ?? "connection failed") : lastLine(message);
}

/** Walks the error, its Prisma `meta.driverAdapterError.cause` and its `cause` chain, collecting what the mapping needs. */
function readFacts(error: object): ErrorFacts {
  const facts: ErrorFacts = {
    prismaCode: undefined,
    sqlState: undefined,
    kind: undefined,
    constraint: undefined,
    table: undefined,
    host: undefined,
    port: undefined,
    modelName: undefined,
    nodeCode: undefined,
    messages: [],
  };
  const seen = new Set<object>();
  let current: unknown = error;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const record = current as Record<string, unknown>;
    if (typeof record["message"] === "string") facts.messages.push(record["message"]);
    const code = stringOf(record["code"]);
    if (code !== undefined && UNAVAILABLE_NODE_CODES.has(code)) {
      facts.kind ??= "DatabaseNotReachable";
      facts.nodeCode ??= code;
    } else if (code !== undefined && /^P\d{4}$/.test(code)) facts.prismaCode ??= code;
    else if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) facts.sqlState ??= code;
    const meta = record["meta"] as Record<string, unknown> | undefined;
    facts.modelName ??= stringOf(meta?.["modelName"]);
    const adapterCause = (meta?.["driverAdapterError"] as { cause?: unknown } | undefined)?.cause;
    if (typeof adapterCause === "object" && adapterCause !== null) readAdapterCause(adapterCause as Record<string, unknown>, facts);
    // A bare DriverAdapterError (Prisma's transaction manager rethrows it as is, e.g. from COMMIT) has
    // the description as its own `cause`, which the walk reaches next.
    if (typeof record["kind"] === "string") readAdapterCause(record, facts);
    facts.constraint ??= stringOf(record["constraint"]);
    facts.table ??= stringOf(record["table"]);
    current = record["cause"];
  }
  return facts;
}

/** Reads a `@prisma/adapter-pg` error description (`{ kind, originalCode, constraint: { index } | { fields } }`). */
function readAdapterCause(cause: Record<string, unknown>, facts: ErrorFacts): void {
  facts.kind ??= stringOf(cause["kind"]);
  facts.sqlState ??= stringOf(cause["originalCode"]) ?? (cause["kind"] === "postgres" ? stringOf(cause["code"]) : undefined);
  const constraint = cause["constraint"] as { index?: unknown; fields?: unknown } | string | undefined;
  if (typeof constraint === "string") facts.constraint ??= constraint;
  else if (typeof constraint?.index === "string") facts.constraint ??= constraint.index;
  else if (Array.isArray(constraint?.fields)) facts.constraint ??= constraint.fields.join(", ");
  facts.constraint ??= /constraint "([^"]+)"/.exec(stringOf(cause["originalMessage"]) ?? "")?.[1];
  facts.table ??= stringOf(cause["table"]);
  facts.host ??= stringOf(cause["host"]);
  const port = cause["port"];
  if (typeof port === "number" || typeof port === "string") facts.port ??= port;
  if (typeof cause["message"] === "string") facts.messages.push(cause["message"]);
  if (typeof cause["originalMessage"] === "string") facts.messages.push(cause["originalMessage"]);
  if (typeof cause["reason"] === "string") facts.messages.push(cause["reason"]);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" && value !== "N/A" ? value : undefined;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1)?.trim() ?? text;
}
