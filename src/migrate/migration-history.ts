import type { ClientBase, Pool } from "pg";

/** The advisory lock `prisma migrate deploy` holds while applying migrations; shared so the two tools exclude each other. */
export const PRISMA_MIGRATE_ADVISORY_LOCK = 72707369;

/** One row of `_prisma_migrations`. */
export interface MigrationRecord {
  readonly id: string;
  readonly checksum: string;
  readonly migrationName: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly rolledBackAt: Date | null;
  readonly logs: string | null;
  readonly appliedStepsCount: number;
}

type Queryable = Pick<ClientBase | Pool, "query">;

/** The table exactly as Prisma's schema engine creates it for PostgreSQL. */
const CREATE_HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** Creates `_prisma_migrations` when it does not exist yet. */
export async function ensureHistoryTable(db: Queryable): Promise<void> {
  await db.query(CREATE_HISTORY_TABLE);
}

/** Every row of `_prisma_migrations` in the order they were started, or none when the table does not exist. */
export async function readMigrationHistory(db: Queryable): Promise<MigrationRecord[]> {
  const exists = await db.query<{ present: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
  if (!exists.rows[0]?.present) return [];
  const result = await db.query<MigrationRecord>(
    `SELECT id, checksum, migration_name AS "migrationName", started_at AS "startedAt", finished_at AS "finishedAt",
            rolled_back_at AS "rolledBackAt", logs, applied_steps_count AS "appliedStepsCount"
       FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
  return result.rows;
}

/** Records that a migration has started, as Prisma does before running its script. */
export async function recordMigrationStarted(db: Queryable, id: string, name: string, checksum: string): Promise<void> {
  await db.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
    [id, checksum, name],
  );
}

/** Records that a migration's script ran to the end. */
export async function recordMigrationFinished(db: Queryable, id: string): Promise<void> {
  await db.query(
    `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = applied_steps_count + 1 WHERE id = $1`,
    [id],
  );
}

/** Records a migration's failure in `logs`; `finished_at` stays NULL, which blocks later runs until it is resolved. */
export async function recordMigrationFailed(db: Queryable, id: string, logs: string): Promise<void> {
  await db.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, logs]);
}

/**
 * Marks a failed migration as rolled back (what `prisma migrate resolve --rolled-back` does), so the
 * next run applies it again. Returns how many rows it changed: 0 when no failed record has that name.
 */
export async function recordMigrationRolledBack(db: Queryable, name: string): Promise<number> {
  const result = await db.query(
    `UPDATE "_prisma_migrations" SET rolled_back_at = now()
      WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
    [name],
  );
  return result.rowCount ?? 0;
}

/**
 * Records a migration as applied without running it (what `prisma migrate resolve --applied` does): its
 * failed, unresolved records are marked rolled back and a finished record is inserted, in one statement.
 */
export async function recordMigrationApplied(db: Queryable, id: string, name: string, checksum: string): Promise<void> {
  await db.query(
    `WITH resolved AS (
       UPDATE "_prisma_migrations" SET rolled_back_at = now()
        WHERE migration_name = $3 AND finished_at IS NULL AND rolled_back_at IS NULL
     )
     INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
     VALUES ($1, $2, $3, now(), now(), 0)`,
    [id, checksum, name],
  );
}

