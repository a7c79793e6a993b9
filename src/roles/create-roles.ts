import { readFileSync } from "node:fs";
import type { DatabaseOptions } from "../config/database-config.ts";
import { resolveDirectDatabaseConfig } from "../config/direct-database-config.ts";
import { SchemaNotMigratedError } from "../errors.ts";
import { packageFile } from "../package-file.ts";
import type { PrivilegedWork } from "../migrate/insufficient-privilege.ts";
import { withMigrationLock } from "../migrate/migration-session.ts";

/** The NOLOGIN group role for services: rows of the four tables, read and written; no DDL. */
export const SERVICE_ROLE = "se_letters_service";
/** The NOLOGIN group role for reporting: SELECT only. */
export const READONLY_ROLE = "se_letters_readonly";

/** What {@link createRoles} did. */
export interface CreateRolesResult {
  /** Name of the service role ({@link SERVICE_ROLE}). */
  readonly serviceRole: string;
  /** Name of the read-only role ({@link READONLY_ROLE}). */
  readonly readonlyRole: string;
  /** The roles this call created; empty when both existed already (their grants were still applied). */
  readonly created: readonly string[];
}

const ROLES_WORK: PrivilegedWork = Object.freeze({
  doing: "create the roles and grant rights on the tables",
  advice: "Run it as the owner of the tables (the role that runs migrate) with CREATEROLE, or as a superuser.",
});

/**
 * The `sql/roles.sql` shipped in this package: the one definition of the roles, which {@link createRoles}
 * runs and operators may run with psql.
 */
export function rolesSqlFile(): string {
  const file = packageFile("sql", "roles.sql");
  if (file === undefined) throw new Error("Cannot find sql/roles.sql in the @se-letters/db package.");
  return file;
}

/**
 * Creates (when missing) the NOLOGIN group roles {@link SERVICE_ROLE} and {@link READONLY_ROLE} and grants
 * them their rights in the configured database by running `sql/roles.sql` in one transaction: the service
 * role may SELECT, INSERT, UPDATE and DELETE rows of `letters`, `letter_products`, `letter_product_matches`
 * and `processing_debug`, use their id sequences and read `_prisma_migrations` (for the health check); the
 * read-only role may SELECT the same tables. Neither may change the schema, TRUNCATE or create objects.
 * Default privileges extend the same rights to tables later migrations create. Idempotent: run it again
 * any time. No login role or password is created: grant the roles to login roles you create.
 *
 * Run it as the owner of the tables (the role that runs {@link migrate}) with CREATEROLE, or a superuser,
 * after migrating. It holds the migrations' advisory lock, so it never runs during a migration.
 *
 * @throws {ConfigurationError} when the connection configuration is missing or invalid.
 * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached.
 * @throws {SchemaNotMigratedError} when the database has no `letters` table yet: migrate first.
 * @throws {InsufficientPrivilegeError} when the role may not create roles or grant on the tables (SQLSTATE 42501).
 * @example
 * await migrate();
 * await createRoles(); // then, in psql: CREATE ROLE letters_api LOGIN PASSWORD '…' IN ROLE se_letters_service;
 */
export async function createRoles(options: DatabaseOptions = {}): Promise<CreateRolesResult> {
  const sql = readFileSync(rolesSqlFile(), "utf8");
  const config = resolveDirectDatabaseConfig(options);
  return withMigrationLock(
    config,
    async (client) => {
      const roles = [SERVICE_ROLE, READONLY_ROLE];
      const before = await client.query<{ rolname: string }>("SELECT rolname FROM pg_roles WHERE rolname = ANY($1)", [roles]);
      const existing = new Set(before.rows.map((row) => row.rolname));
      try {
        // No parameters: the simple query protocol runs the whole file as one implicit transaction.
        await client.query(sql);
      } catch (error) {
        if ((error as { code?: unknown }).code === "42P01") {
          throw new SchemaNotMigratedError(
            `The database ${config.database} has no letters table (search_path of ${config.user}): run se-letters-db migrate first, then se-letters-db roles.`,
            { cause: error },
          );
        }
        throw error;
      }
      return Object.freeze({ serviceRole: SERVICE_ROLE, readonlyRole: READONLY_ROLE, created: roles.filter((role) => !existing.has(role)) });
    },
    ROLES_WORK,
  );
}
