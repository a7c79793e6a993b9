import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { MigrationsNotFoundError } from "../errors.ts";
import { packageFile } from "../package-file.ts";

/** One migration folder of `prisma/migrations`, as `prisma migrate deploy` reads it. */
export interface MigrationFile {
  /** Folder name, e.g. `20261121000000_init`; recorded as `migration_name`. */
  readonly name: string;
  /** Contents of its `migration.sql`. */
  readonly sql: string;
  /** SHA-256 of the SQL text as UTF-8, 64 lowercase hex digits: Prisma's checksum. */
  readonly checksum: string;
}

/** The `prisma/migrations` folder shipped inside this package. */
export function defaultMigrationsDirectory(): string {
  const directory = packageFile("prisma", "migrations");
  if (directory === undefined) throw new MigrationsNotFoundError("Cannot find the prisma/migrations folder of @se-letters/db; pass migrationsDirectory.");
  return directory;
}

/** SHA-256 of a migration script, as Prisma records it in `_prisma_migrations.checksum`. */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

/**
 * Reads every migration folder in `directory`, in the order Prisma applies them (names compared with
 * `localeCompare`). Files beside the folders, such as `migration_lock.toml`, are ignored.
 *
 * @throws {MigrationsNotFoundError} when the folder is missing, holds no migration, or a migration folder has no `migration.sql`.
 */
export function readMigrationFiles(directory: string = defaultMigrationsDirectory()): MigrationFile[] {
  const root = resolve(directory);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new MigrationsNotFoundError(`Migrations folder ${root} does not exist.`);
  }
  const names = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  if (names.length === 0) throw new MigrationsNotFoundError(`Migrations folder ${root} holds no migration.`);
  return names.map((name) => {
    const file = join(root, name, "migration.sql");
    if (!existsSync(file)) throw new MigrationsNotFoundError(`Migration folder ${join(root, name)} has no migration.sql.`);
    const sql = readFileSync(file, "utf8");
    return Object.freeze({ name, sql, checksum: migrationChecksum(sql) });
  });
}
