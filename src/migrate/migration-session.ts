import pg from "pg";
import { poolConfigFor } from "../client/pool-config.ts";
import { safeErrorReason } from "../client/safe-error-reason.ts";
import { describeDatabaseTarget, type DatabaseConfig } from "../config/database-config.ts";
import { DatabaseUnavailableError } from "../errors.ts";
import { PRISMA_MIGRATE_ADVISORY_LOCK } from "./migration-history.ts";

/**
 * Runs `work` on one dedicated connection holding Prisma's migrate advisory lock, so it never overlaps
 * with another `migrate()` or `prisma migrate deploy`; waits for the lock when another holds it.
 *
 * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached.
 */
export async function withMigrationLock<T>(config: DatabaseConfig, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(poolConfigFor(config));
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DatabaseUnavailableError(describeDatabaseTarget(config), safeErrorReason(error, config.password), { cause: error });
  }
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_ADVISORY_LOCK]);
    try {
      return await work(client);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_ADVISORY_LOCK]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}
