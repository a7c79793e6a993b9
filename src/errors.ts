/**
 * The code of every error `@se-letters/db` throws: the one list. Compare `error.code` rather than using
 * `instanceof`, because with both the ESM and the CJS build loaded in one process `instanceof` fails
 * across the two copies, while the code does not.
 */
export const DATABASE_ERROR_CODES = Object.freeze([
  "CONFIGURATION_INVALID",
  "DATABASE_UNAVAILABLE",
  "DIRECT_CONNECTION_REQUIRED",
  "MIGRATIONS_NOT_FOUND",
  "MIGRATION_FAILED",
  "MIGRATION_PREVIOUSLY_FAILED",
  "MIGRATION_CHECKSUM_MISMATCH",
  "INSUFFICIENT_PRIVILEGE",
  "SCHEMA_NOT_MIGRATED",
  "VALIDATION_FAILED",
  "NOT_FOUND",
  "UNIQUE_CONFLICT",
  "FOREIGN_KEY_VIOLATION",
  "IMPORT_SOURCE_INVALID",
  "IMPORT_TARGET_NOT_EMPTY",
  "IMPORT_FAILED",
  "EXPORT_TARGET_EXISTS",
  "EXPORT_FAILED",
  "QUERY_TIMEOUT",
  "WRITE_OUTCOME_UNKNOWN",
  "TRANSACTION_CONFLICT",
  "EMBEDDED_POSTGRES_FAILED",
  "CATALOGUE_SOURCE_INVALID",
  "CATALOGUE_LOCKED",
  "CATALOGUE_NOT_SYNCED",
  "CATALOGUE_SYNC_REFUSED",
] as const);

/** One of {@link DATABASE_ERROR_CODES}. */
export type DatabaseErrorCode = (typeof DATABASE_ERROR_CODES)[number];

/** Base class of every error thrown by `@se-letters/db`. */
export class DatabaseError extends Error {
  /** Stable code naming the kind of failure. */
  readonly code: DatabaseErrorCode;

  constructor(code: DatabaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One problem found in the configuration: the variable (or option) and what is wrong with it. */
export interface ConfigurationIssue {
  /** Environment variable or option name, e.g. `DB_PORT`. */
  readonly variable: string;
  /** What is wrong and what is allowed. Never contains a password or a connection string. */
  readonly message: string;
}

/** The configuration (environment variables or options) is missing or invalid. Lists every problem. */
export class ConfigurationError extends DatabaseError {
  /** Every problem found, one per variable. */
  readonly issues: readonly ConfigurationIssue[];

  constructor(issues: readonly ConfigurationIssue[]) {
    super(
      "CONFIGURATION_INVALID",
      `Invalid database configuration:\n${issues.map((issue) => `  - ${issue.variable}: ${issue.message}`).join("\n")}`,
    );
    this.issues = Object.freeze([...issues]);
  }
}

/** PostgreSQL could not be reached or refused the connection. The message names host, port, database and user only. */
export class DatabaseUnavailableError extends DatabaseError {
  /** `user@host:port/database` of the server that could not be reached. */
  readonly target: string;

  constructor(target: string, reason: string, options?: { cause?: unknown }) {
    super("DATABASE_UNAVAILABLE", `Cannot reach PostgreSQL at ${target}: ${reason}`, options);
    this.target = target;
  }
}

/**
 * A migration, import or export was pointed at a connection pooler (PgBouncer): it needs one session of
 * its own for its whole run (a session advisory lock, COPY, a snapshot), which a transaction-mode pooler
 * does not keep. Give it a direct URL: `DIRECT_DATABASE_URL`, or `--database-url`.
 */
export class DirectConnectionRequiredError extends DatabaseError {
  /** `user@host:port/database` of the pooler. */
  readonly target: string;
  /** What needed the direct connection, e.g. `migrate`. */
  readonly work: string;

  constructor(target: string, work: string, reason: string) {
    super(
      "DIRECT_CONNECTION_REQUIRED",
      `${work} needs a direct connection to PostgreSQL, but ${target} ${reason}: set DIRECT_DATABASE_URL (or --database-url) to the server itself, not the pooler`,
    );
    this.target = target;
    this.work = work;
  }
}

/**
 * Which limit a {@link QueryTimeoutError} hit: the server's `statement_timeout`, its `lock_timeout`, its
 * `idle_in_transaction_session_timeout` (the server ended the session), the client's own bound on
 * waiting for the server's answer (`queryTimeoutMs`, for a stalled network), or Prisma's bound on a whole
 * interactive transaction (`transaction`, which `connectDatabase` sets to `queryTimeoutMs`).
 */
export type QueryTimeoutKind = "statement" | "lock" | "idle-in-transaction" | "client" | "transaction";

const TIMEOUT_ADVICE: Readonly<Record<QueryTimeoutKind, string>> = {
  statement:
    "The statement ran longer than the statement timeout and was cancelled by PostgreSQL (SQLSTATE 57014); nothing it did was kept. " +
    "Raise statementTimeoutMs (DB_STATEMENT_TIMEOUT) if such statements are expected, or find what blocked or slowed it.",
  lock:
    "The statement waited longer than lock_timeout for a lock and was cancelled by PostgreSQL (SQLSTATE 55P03); nothing it did was kept. " +
    "Raise the role's or database's lock_timeout, or find the transaction holding the lock.",
  "idle-in-transaction":
    "The transaction stayed idle longer than the idle-in-transaction timeout, so PostgreSQL ended its session and rolled it back (SQLSTATE 25P03). " +
    "Keep transactions short, or raise idleInTransactionTimeoutMs (DB_IDLE_IN_TRANSACTION_TIMEOUT).",
  client:
    "No answer came from PostgreSQL within queryTimeoutMs (DB_QUERY_TIMEOUT): the network or the server stalled, and the connection was dropped. " +
    "Raise queryTimeoutMs if statements legitimately take that long.",
  transaction:
    "The transaction ran longer than its interactive transaction timeout (Prisma P2028; connectDatabase sets it to queryTimeoutMs, DB_QUERY_TIMEOUT) and was rolled back. " +
    "Split the work into smaller transactions, raise queryTimeoutMs, or pass { timeout } to your own $transaction call.",
};

/** A statement or transaction was ended by a timeout. The message says which one and how to raise it. */
export class QueryTimeoutError extends DatabaseError {
  /** Which timeout fired. */
  readonly timeout: QueryTimeoutKind;

  constructor(timeout: QueryTimeoutKind, options?: { cause?: unknown }) {
    super("QUERY_TIMEOUT", TIMEOUT_ADVICE[timeout], options);
    this.timeout = timeout;
  }
}

/**
 * The connection was lost (or timed out on the client) after a write was sent and before PostgreSQL
 * confirmed it: the write may or may not have been applied. It is never retried automatically. Retry it
 * only if it is safe to repeat (`createOrReplaceByFileHash`, `setStatus`, `delete`, `deleteMany`), or
 * read the data back first.
 */
export class WriteOutcomeUnknownError extends DatabaseError {
  /** The repository method whose outcome is unknown, e.g. `createOrReplaceByFileHash`. */
  readonly operation: string;

  constructor(operation: string, options?: { cause?: unknown }) {
    super(
      "WRITE_OUTCOME_UNKNOWN",
      `The outcome of ${operation} is unknown: the connection to PostgreSQL was lost before the write was confirmed, so it may or may not have been applied. ` +
        "It was not retried; repeat it only if it is safe to repeat, or read the data back first.",
      options,
    );
    this.operation = operation;
  }
}

/**
 * A transaction was aborted by PostgreSQL because of a deadlock (SQLSTATE 40P01) or a serialization
 * failure (40001) with concurrent transactions, and, when the repository owned the transaction, it still
 * failed after `attempts` tries. Nothing of it was kept; it is safe to run again.
 */
export class TransactionConflictError extends DatabaseError {
  /** `40P01` (deadlock) or `40001` (serialization failure). */
  readonly sqlState: string;
  /** How many times the transaction was tried (1 inside a caller's transaction, which is never retried). */
  readonly attempts: number;

  constructor(sqlState: string, attempts: number, options?: { cause?: unknown }) {
    super(
      "TRANSACTION_CONFLICT",
      `The transaction was aborted by a ${sqlState === "40P01" ? "deadlock" : "serialization failure"} with concurrent transactions (SQLSTATE ${sqlState}) ` +
        `after ${attempts} attempt${attempts === 1 ? "" : "s"}; nothing of it was kept and it is safe to run again.`,
      options,
    );
    this.sqlState = sqlState;
    this.attempts = attempts;
  }
}

/** The migrations folder is missing or holds no migration. */
export class MigrationsNotFoundError extends DatabaseError {
  constructor(message: string) {
    super("MIGRATIONS_NOT_FOUND", message);
  }
}

/** A migration's SQL failed while being applied now. Its changes were rolled back; the failure is recorded in `_prisma_migrations`. */
export class MigrationFailedError extends DatabaseError {
  /** Folder name of the migration that failed. */
  readonly migrationName: string;

  constructor(migrationName: string, message: string, options?: { cause?: unknown }) {
    super("MIGRATION_FAILED", message, options);
    this.migrationName = migrationName;
  }
}

/** An earlier run left a failed migration in `_prisma_migrations`; nothing is applied until it is resolved. */
export class MigrationPreviouslyFailedError extends DatabaseError {
  /** Folder name of the migration recorded as failed. */
  readonly migrationName: string;

  constructor(migrationName: string, message: string) {
    super("MIGRATION_PREVIOUSLY_FAILED", message);
    this.migrationName = migrationName;
  }
}

/** An applied migration's file was edited after it was applied (its SHA-256 differs from the recorded one). */
export class MigrationChecksumMismatchError extends DatabaseError {
  /** Folder name of the edited migration. */
  readonly migrationName: string;

  constructor(migrationName: string, message: string) {
    super("MIGRATION_CHECKSUM_MISMATCH", message);
    this.migrationName = migrationName;
  }
}

/**
 * PostgreSQL refused a statement because the connected role lacks a privilege (SQLSTATE 42501), for
 * example `migrate` run as the service role, which may not change the schema. The message names the role
 * (never a password) and who should run the work instead.
 */
export class InsufficientPrivilegeError extends DatabaseError {
  /** `user@host:port/database` of the connection that lacked the privilege. */
  readonly target: string;

  constructor(target: string, message: string, options?: { cause?: unknown }) {
    super("INSUFFICIENT_PRIVILEGE", message, options);
    this.target = target;
  }
}

/** The database lacks the package's tables: run `se-letters-db migrate` (or {@link migrate}) first. */
export class SchemaNotMigratedError extends DatabaseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("SCHEMA_NOT_MIGRATED", message, options);
  }
}

/** One invalid field of an input: where it is (`products.2.confidenceScore`) and what is wrong with it. */
export interface ValidationIssue {
  /** Dotted path of the field in the input, array positions as numbers; `""` for the input as a whole. */
  readonly path: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/**
 * An input was refused before any query ran. Lists every invalid field, not only the first. The message
 * names paths and rules only; it never echoes the values given.
 */
export class ValidationError extends DatabaseError {
  /** Every problem found, one per invalid field. */
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], subject = "input") {
    super(
      "VALIDATION_FAILED",
      `Invalid ${subject}:\n${issues.map((issue) => `  - ${issue.path || "(input)"}: ${issue.message}`).join("\n")}`,
    );
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue })));
  }
}

/** The row asked for does not exist (a `get…`, an update or a delete of a missing id). */
export class NotFoundError extends DatabaseError {
  /** What was looked for, e.g. `letter`. */
  readonly entity: string;
  /** The key looked for, when known. */
  readonly key: number | string | undefined;

  constructor(entity: string, key?: number | string, options?: { cause?: unknown }) {
    super("NOT_FOUND", key === undefined ? `No ${entity} found` : `No ${entity} with id ${String(key)}`, options);
    this.entity = entity;
    this.key = key;
  }
}

/** A write would duplicate a value a unique constraint or index protects (SQLSTATE 23505). */
export class UniqueConflictError extends DatabaseError {
  /** Name of the violated constraint or index, or its columns, when PostgreSQL reported them. */
  readonly constraint: string | undefined;
  /** Table the constraint belongs to, when reported. */
  readonly table: string | undefined;

  constructor(constraint: string | undefined, table: string | undefined, options?: { cause?: unknown }) {
    super("UNIQUE_CONFLICT", `Unique constraint ${constraint === undefined ? "" : `"${constraint}" `}violated`, options);
    this.constraint = constraint;
    this.table = table;
  }
}

/** Why a catalogue file cannot be used: see {@link CatalogueSourceError}. */
export type CatalogueSourceProblem = "missing-file" | "not-duckdb" | "missing-table" | "missing-column" | "unusable-column" | "duckdb-unavailable";

/**
 * The IBcatalogue file cannot be used: it does not exist, is not a DuckDB database, lacks the catalogue
 * table or a configured column, or `@duckdb/node-api` is not installed. `problem` says which.
 */
export class CatalogueSourceError extends DatabaseError {
  /** The DuckDB file named by the caller. */
  readonly file: string;
  /** Which problem it is. */
  readonly problem: CatalogueSourceProblem;

  constructor(file: string, problem: CatalogueSourceProblem, detail: string, options?: { cause?: unknown }) {
    super("CATALOGUE_SOURCE_INVALID", `Cannot use the catalogue ${file}: ${detail}`, options);
    this.file = file;
    this.problem = problem;
  }
}

/**
 * Another process holds the catalogue file open for writing (DuckDB then lets no other process open it), and
 * it was still held after `attempts` tries over `waitedMs`. Nothing was read.
 */
export class CatalogueLockedError extends DatabaseError {
  /** The DuckDB file named by the caller. */
  readonly file: string;
  /** How many times opening it was tried. */
  readonly attempts: number;
  /** How long it was tried, in milliseconds. */
  readonly waitedMs: number;

  constructor(file: string, attempts: number, waitedMs: number, options?: { cause?: unknown }) {
    super(
      "CATALOGUE_LOCKED",
      `Cannot open the catalogue ${file}: another process holds it open for writing (still after ${attempts} attempts over ${waitedMs} ms). ` +
        "Wait for it to finish, read a copy of the file, or read the catalogue from PostgreSQL (se-letters-db catalogue sync).",
      options,
    );
    this.file = file;
    this.attempts = attempts;
    this.waitedMs = waitedMs;
  }
}

/** The PostgreSQL copy of the catalogue does not exist (or was not made by a sync): run `se-letters-db catalogue sync` first. */
export class CatalogueNotSyncedError extends DatabaseError {
  /** The PostgreSQL table looked for. */
  readonly table: string;

  constructor(table: string, detail: string) {
    super("CATALOGUE_NOT_SYNCED", `No catalogue in PostgreSQL table ${table}: ${detail}. Run \`se-letters-db catalogue sync --from FILE.duckdb\` first.`);
    this.table = table;
  }
}

/**
 * A catalogue sync refused the file: its identifier column has NULLs or duplicated values, and the caller did
 * not say how to treat them (`onNull`, `onDuplicate`). Nothing was written: the previous copy is untouched.
 */
export class CatalogueSyncRefusedError extends DatabaseError {
  /** The DuckDB file named by the caller. */
  readonly file: string;
  /** Rows whose identifier is NULL. */
  readonly nullIdentifiers: number;
  /** Rows beyond the first for each identifier that occurs more than once. */
  readonly duplicateRows: number;
  /** Up to 5 identifiers that occur more than once. */
  readonly duplicateExamples: readonly string[];

  constructor(file: string, nullIdentifiers: number, duplicateRows: number, duplicateExamples: readonly string[]) {
    const problems = [
      ...(nullIdentifiers > 0 ? [`${nullIdentifiers} rows have no identifier (use --on-null skip, onNull: "skip")`] : []),
      ...(duplicateRows > 0
        ? [`${duplicateRows} rows repeat an identifier, e.g. ${duplicateExamples.map((id) => JSON.stringify(id)).join(", ")} (use --on-duplicate first|last, onDuplicate)`]
        : []),
    ];
    super("CATALOGUE_SYNC_REFUSED", `Refused to sync the catalogue ${file}: ${problems.join("; ")}. Nothing was written.`);
    this.file = file;
    this.nullIdentifiers = nullIdentifiers;
    this.duplicateRows = duplicateRows;
    this.duplicateExamples = Object.freeze([...duplicateExamples]);
  }
}

/** A write refers to a row that does not exist, or a delete would orphan one (SQLSTATE 23503). */
export class ForeignKeyViolationError extends DatabaseError {
  /** Name of the violated foreign key, or its column, when PostgreSQL reported it. */
  readonly constraint: string | undefined;

  constructor(constraint: string | undefined, options?: { cause?: unknown }) {
    super("FOREIGN_KEY_VIOLATION", `Foreign key ${constraint === undefined ? "" : `"${constraint}" `}violated`, options);
    this.constraint = constraint;
  }
}

const ERROR_CODES: ReadonlySet<string> = new Set(DATABASE_ERROR_CODES);

/** True when `error` was thrown by this package, whichever of its builds (ESM or CJS) threw it. */
export function isDatabaseError(error: unknown): error is DatabaseError {
  return error instanceof Error && ERROR_CODES.has(String((error as { code?: unknown }).code));
}

/**
 * The importer's source cannot be used: the file is missing, is not a DuckDB database, is locked by a
 * writer, lacks a table, or has a column the target has no place for. Lists every problem; nothing was written.
 */
export class ImportSourceError extends DatabaseError {
  /** The DuckDB file named by the caller. */
  readonly file: string;
  /** Every problem found, one line each. */
  readonly problems: readonly string[];

  constructor(file: string, problems: readonly string[], options?: { cause?: unknown }) {
    super("IMPORT_SOURCE_INVALID", `Cannot import from ${file}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`, options);
    this.file = file;
    this.problems = Object.freeze([...problems]);
  }
}

/** The import target already holds rows and `replace` was not asked for. Nothing was written. */
export class ImportTargetNotEmptyError extends DatabaseError {
  /** Tables that hold rows. */
  readonly tables: readonly string[];

  constructor(tables: readonly string[]) {
    super(
      "IMPORT_TARGET_NOT_EMPTY",
      `The target database already holds rows in ${tables.join(", ")}: nothing was imported. Use --replace (replace: true) to empty and reload them in one transaction.`,
    );
    this.tables = Object.freeze([...tables]);
  }
}

/** PostgreSQL refused the load (for example an index it could not build). The transaction was rolled back: the target is as before. */
export class ImportFailedError extends DatabaseError {
  /** Table being loaded or indexed when it failed, when known. */
  readonly table: string | undefined;
  /** SQLSTATE of PostgreSQL's error, when there was one. */
  readonly sqlState: string | undefined;

  constructor(message: string, table: string | undefined, sqlState: string | undefined, options?: { cause?: unknown }) {
    super("IMPORT_FAILED", message, options);
    this.table = table;
    this.sqlState = sqlState;
  }
}

/** The export's target file (or its DuckDB write-ahead log) already exists and `force` was not asked for. Nothing was written. */
export class ExportTargetExistsError extends DatabaseError {
  /** The file named by the caller. */
  readonly file: string;

  constructor(file: string, existing: string) {
    super("EXPORT_TARGET_EXISTS", `${existing} already exists: nothing was exported. Use --force (force: true) to replace ${file}.`);
    this.file = file;
  }
}

/**
 * The export could not be written (PostgreSQL or DuckDB refused, the disk filled up). Its temporary file was
 * removed and nothing was written under the target's name.
 */
export class ExportFailedError extends DatabaseError {
  /** The file named by the caller. */
  readonly file: string;
  /** Table being exported when it failed, when known. */
  readonly table: string | undefined;

  constructor(file: string, message: string, table: string | undefined, options?: { cause?: unknown }) {
    super("EXPORT_FAILED", `Cannot export to ${file}${table === undefined ? "" : ` (table ${table})`}: ${message}. Nothing was written under that name.`, options);
    this.file = file;
    this.table = table;
  }
}
