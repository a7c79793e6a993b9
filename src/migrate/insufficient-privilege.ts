import { safeErrorReason } from "../connection/safe-error-reason.ts";
import { describeDatabaseTarget, type DatabaseConfig } from "../config/database-config.ts";
import { InsufficientPrivilegeError } from "../errors.ts";

/** What the connected role was trying to do, and who should do it instead, for an {@link InsufficientPrivilegeError}. */
export interface PrivilegedWork {
  /** Completes "lacks the privileges to …", e.g. `change the schema`. */
  readonly doing: string;
  /** Who should run it instead, as a sentence. */
  readonly advice: string;
}

/** Migrations and `migrate resolve` write the schema and `_prisma_migrations`: only the owner may. */
export const MIGRATION_WORK: PrivilegedWork = Object.freeze({
  doing: "change the schema and the migration history",
  advice:
    "Run migrations as the owner of the tables or another role with DDL rights (the role that created them), " +
    "not as a service or read-only role such as se_letters_service or se_letters_readonly.",
});

/** True when PostgreSQL refused a statement for lack of privilege (SQLSTATE 42501, insufficient_privilege). */
export function isInsufficientPrivilege(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "42501";
}

/** The package's error for a refusal of `work`; names the role and the server, never the password. */
export function insufficientPrivilegeError(config: DatabaseConfig, error: unknown, work: PrivilegedWork, more = ""): InsufficientPrivilegeError {
  const target = describeDatabaseTarget(config);
  return new InsufficientPrivilegeError(
    target,
    `The role ${config.user} (${target}) lacks the privileges to ${work.doing}: ${safeErrorReason(error, config.password)}. ${work.advice}${more ? ` ${more}` : ""}`,
    { cause: error },
  );
}
