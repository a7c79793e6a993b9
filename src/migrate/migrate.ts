import { randomUUID } from "node:crypto";
import { safeErrorReason } from "../connection/safe-error-reason.ts";
import type { DatabaseOptions } from "../config/database-config.ts";
import { resolveDirectDatabaseConfig } from "../config/direct-database-config.ts";
import {
  MigrationChecksumMismatchError,
  MigrationFailedError,
  MigrationPreviouslyFailedError,
} from "../errors.ts";
import { insufficientPrivilegeError, isInsufficientPrivilege, MIGRATION_WORK } from "./insufficient-privilege.ts";
import { readMigrationFiles } from "./migration-files.ts";
import {
  ensureHistoryTable,
  readMigrationHistory,
  recordMigrationFailed,
  recordMigrationFinished,
  recordMigrationStarted,
} from "./migration-history.ts";
import { withMigrationLock } from "./migration-session.ts";
import { compareMigrations } from "./migration-status.ts";

/** Options of {@link migrate}: where the database is, and which migrations to apply. */
export interface MigrateOptions extends DatabaseOptions {
  /** Folder of Prisma migrations. Defaults to the `prisma/migrations` shipped in this package. */
  migrationsDirectory?: string;
  /** Called before each migration is applied, with its folder name. Defaults to doing nothing. */
  onMigrationStart?: (name: string) => void;
}

/** What {@link migrate} did. */
export interface MigrateResult {
  /** Migrations applied by this call, in order. Empty when the database was up to date. */
  readonly applied: readonly string[];
  /** Migrations that were already applied before this call. */
  readonly alreadyApplied: readonly string[];
  /** Migrations recorded as applied that the folder does not have (a newer package applied them); left alone. */
  readonly unknown: readonly string[];
}

/**
 * Applies the pending migrations and records them in `_prisma_migrations` exactly as
 * `prisma migrate deploy` does, under the same advisory lock, so either tool can be used on one
 * database. A second process calling it at the same time waits for the first, then finds nothing to do.
 * Each migration runs as one implicit transaction: a failing one leaves no partial change behind.
 *
 * @throws {ConfigurationError} when the connection configuration is missing or invalid.
 * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached.
 * @throws {MigrationsNotFoundError} when the migrations folder is missing or empty.
 * @throws {MigrationPreviouslyFailedError} when an earlier run left a failed migration; nothing is applied.
 * @throws {MigrationChecksumMismatchError} when an applied migration's file was edited; nothing is applied.
 * @throws {MigrationFailedError} when a migration's SQL fails now; earlier ones in this call stay applied.
 * @throws {InsufficientPrivilegeError} when the role may not change the schema or `_prisma_migrations` (SQLSTATE 42501),
 *   e.g. a service role: run migrations as the owner of the tables.
 * @example
 * const result = await migrate({ databaseUrl: process.env.DATABASE_URL });
 * console.log(result.applied.length === 0 ? "up to date" : `applied ${result.applied.join(", ")}`);
 */
export async function migrate(options: MigrateOptions = {}): Promise<MigrateResult> {
  const files = readMigrationFiles(options.migrationsDirectory);
  const config = resolveDirectDatabaseConfig(options);
  return withMigrationLock(config, async (client) => {
    await ensureHistoryTable(client);
    const status = compareMigrations(files, await readMigrationHistory(client));
    const failed = status.failed[0];
    if (failed) throw previouslyFailed(failed.migrationName, failed.logs);
    const edited = status.edited[0];
    if (edited) {
      throw new MigrationChecksumMismatchError(
        edited.name,
        `Migration ${edited.name} was edited after it was applied (recorded checksum ${edited.recorded}, file now ${edited.current}). ` +
          `Nothing was applied. Restore the file as it was applied and put the change in a new migration folder.`,
      );
    }

    const applied: string[] = [];
    for (const file of status.pending) {
      options.onMigrationStart?.(file.name);
      const id = randomUUID();
      await recordMigrationStarted(client, id, file.name, file.checksum);
      try {
        // No parameters: pg sends it with the simple query protocol, so PostgreSQL runs the whole
        // script as one implicit transaction, as Prisma's schema engine does.
        await client.query(file.sql);
      } catch (error) {
        await recordMigrationFailed(client, id, failureLogs(error));
        if (isInsufficientPrivilege(error)) {
          throw insufficientPrivilegeError(config, error, MIGRATION_WORK, `Migration ${file.name} was rolled back and recorded as failed. ${resolveAdvice(file.name)}`);
        }
        throw new MigrationFailedError(
          file.name,
          `Migration ${file.name} failed: ${safeErrorReason(error, config.password)}. Its changes were rolled back and the ` +
            `failure is recorded in _prisma_migrations. ${resolveAdvice(file.name)}`,
          { cause: error },
        );
      }
      await recordMigrationFinished(client, id);
      applied.push(file.name);
    }
    return Object.freeze({ applied, alreadyApplied: status.applied, unknown: status.unknown });
  });
}

function previouslyFailed(name: string, logs: string | null): MigrationPreviouslyFailedError {
  const firstLine = logs?.split("\n").find((line) => line.trim() !== "" && !line.startsWith("Database error code"));
  return new MigrationPreviouslyFailedError(
    name,
    `Migration ${name} failed in an earlier run${firstLine ? ` (${firstLine.trim()})` : ""} and is recorded as failed in ` +
      `_prisma_migrations, so no migration was applied. ${resolveAdvice(name)}`,
  );
}

function resolveAdvice(name: string): string {
  return (
    `Fix the cause, check that none of its changes remain, then mark it rolled back with ` +
    `\`se-letters-db migrate resolve --rolled-back ${name}\` (or \`prisma migrate resolve --rolled-back ${name}\`) and migrate again.`
  );
}

function failureLogs(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return `Database error code: ${typeof code === "string" ? code : "unknown"}\n\nDatabase error:\n${message}\n`;
}
