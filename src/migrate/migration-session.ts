import type pg from "pg";
import type { DatabaseConfig } from "../config/database-config.ts";
import { openMaintenanceSession } from "../connection/maintenance-session.ts";
import { insufficientPrivilegeError, isInsufficientPrivilege, MIGRATION_WORK, type PrivilegedWork } from "./insufficient-privilege.ts";
import { PRISMA_MIGRATE_ADVISORY_LOCK } from "./migration-history.ts";

/**
 * Runs `work` on one dedicated connection holding Prisma's migrate advisory lock, so it never overlaps
 * with another `migrate()` or `prisma migrate deploy`; waits for the lock when another holds it.
 *
 * @param privileged what `work` does, for the error raised when PostgreSQL refuses it for lack of privilege.
 * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached.
 * @throws {InsufficientPrivilegeError} when a statement of `work` is refused for lack of privilege (SQLSTATE 42501).
 */
export async function withMigrationLock<T>(
  config: DatabaseConfig,
  work: (client: pg.Client) => Promise<T>,
  privileged: PrivilegedWork = MIGRATION_WORK,
): Promise<T> {
  const client = await openMaintenanceSession(config, config.applicationName, "migrate");
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_ADVISORY_LOCK]);
    try {
      return await work(client);
    } catch (error) {
      throw isInsufficientPrivilege(error) ? insufficientPrivilegeError(config, error, privileged) : error;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_ADVISORY_LOCK]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}
