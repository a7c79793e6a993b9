/**
 * Every error `@se-letters/db` throws. Each carries a stable `code`: compare `error.code` rather than
 * using `instanceof`, because with both the ESM and the CJS build loaded in one process `instanceof`
 * fails across the two copies, while the code does not.
 */
export type DatabaseErrorCode =
  | "CONFIGURATION_INVALID"
  | "DATABASE_UNAVAILABLE"
  | "MIGRATIONS_NOT_FOUND"
  | "MIGRATION_FAILED"
  | "MIGRATION_PREVIOUSLY_FAILED"
  | "MIGRATION_CHECKSUM_MISMATCH";

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

const ERROR_CODES: ReadonlySet<string> = new Set<DatabaseErrorCode>([
  "CONFIGURATION_INVALID",
  "DATABASE_UNAVAILABLE",
  "MIGRATIONS_NOT_FOUND",
  "MIGRATION_FAILED",
  "MIGRATION_PREVIOUSLY_FAILED",
  "MIGRATION_CHECKSUM_MISMATCH",
]);

/** True when `error` was thrown by this package, whichever of its builds (ESM or CJS) threw it. */
export function isDatabaseError(error: unknown): error is DatabaseError {
  return error instanceof Error && ERROR_CODES.has(String((error as { code?: unknown }).code));
}
