import type pg from "pg";
import { describeDatabaseTarget, type DatabaseOptions } from "../config/database-config.ts";
import { resolveDirectDatabaseConfig } from "../config/direct-database-config.ts";
import { openMaintenanceSession } from "../connection/maintenance-session.ts";

/** One dedicated connection (session in UTC) for a load or a verification, and how to name its server. */
export interface TargetConnection {
  readonly client: pg.Client;
  /** `user@host:port/database`, safe to print. */
  readonly target: string;
  readonly password: string | undefined;
}

/** What a target connection is for: its session's `application_name` ends with it (`se-letters-db export`). */
export type TargetPurpose = "import" | "verify" | "export";

/**
 * Opens one connection to the target, named after its purpose in `pg_stat_activity`.
 *
 * @throws {ConfigurationError} when the configuration is missing or invalid.
 * @throws {DatabaseUnavailableError} when the server cannot be reached.
 */
export async function connectTarget(options: DatabaseOptions, purpose: TargetPurpose): Promise<TargetConnection> {
  const config = resolveDirectDatabaseConfig(options);
  const target = describeDatabaseTarget(config);
  const client = await openMaintenanceSession(config, `${config.applicationName} ${purpose}`);
  return { client, target, password: config.password };
}
