import { randomUUID } from "node:crypto";
import type { DatabaseOptions } from "../config/database-config.ts";
import { resolveDirectDatabaseConfig } from "../config/direct-database-config.ts";
import { MigrationsNotFoundError } from "../errors.ts";
import { readMigrationFiles } from "./migration-files.ts";
import { ensureHistoryTable, readMigrationHistory, recordMigrationApplied, recordMigrationRolledBack } from "./migration-history.ts";
import { withMigrationLock } from "./migration-session.ts";

/**
 * Marks a failed migration as rolled back, as `prisma migrate resolve --rolled-back NAME` does, so that
 * the next {@link migrate} applies it again. Do this only after checking that none of its changes remain.
 *
 * @throws {MigrationsNotFoundError} when no failed, unresolved migration has that name.
 * @throws {ConfigurationError} when the connection configuration is missing or invalid.
 * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached.
 */
export async function markMigrationRolledBack(name: string, options: DatabaseOptions = {}): Promise<void> {
  const config = resolveDirectDatabaseConfig(options);
  await withMigrationLock(config, async (client) => {
    await ensureHistoryTable(client);
    if ((await recordMigrationRolledBack(client, name)) === 0) {
      throw new MigrationsNotFoundError(`No failed migration named ${name} is recorded in _prisma_migrations; nothing was changed.`);
    }
  });
}

/**
 * Records a migration of the folder as applied without running it, as `prisma migrate resolve --applied
 * NAME` does: for a database whose schema already has its changes (made by hand, or by a failed run that
 * you finished yourself). A failed record of it is marked rolled back. The next {@link migrate} skips it.
 *
 * @throws {MigrationsNotFoundError} when the folder has no migration of that name, or it is already
 *   recorded as applied (nothing was changed).
 * @throws {ConfigurationError} when the connection configuration is missing or invalid.
 * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached.
 */
export async function markMigrationApplied(name: string, options: DatabaseOptions & { migrationsDirectory?: string } = {}): Promise<void> {
  const config = resolveDirectDatabaseConfig(options);
  const file = readMigrationFiles(options.migrationsDirectory).find((candidate) => candidate.name === name);
  if (file === undefined) throw new MigrationsNotFoundError(`The migrations folder has no migration named ${name}; nothing was changed.`);
  await withMigrationLock(config, async (client) => {
    await ensureHistoryTable(client);
    const history = await readMigrationHistory(client);
    if (history.some((record) => record.migrationName === name && record.finishedAt !== null && record.rolledBackAt === null)) {
      throw new MigrationsNotFoundError(`Migration ${name} is already recorded as applied; nothing was changed.`);
    }
    await recordMigrationApplied(client, randomUUID(), name, file.checksum);
  });
}
