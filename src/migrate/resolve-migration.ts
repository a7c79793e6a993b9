import { resolveDatabaseConfig, type DatabaseOptions } from "../config/database-config.ts";
import { MigrationsNotFoundError } from "../errors.ts";
import { ensureHistoryTable, recordMigrationRolledBack } from "./migration-history.ts";
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
  const config = resolveDatabaseConfig(options);
  await withMigrationLock(config, async (client) => {
    await ensureHistoryTable(client);
    if ((await recordMigrationRolledBack(client, name)) === 0) {
      throw new MigrationsNotFoundError(`No failed migration named ${name} is recorded in _prisma_migrations; nothing was changed.`);
    }
  });
}
