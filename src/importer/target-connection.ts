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

/**
 * Opens one connection to the target.
 *
 * @throws {ConfigurationError} when the configuration is missing or invalid.
 * @throws {DatabaseUnavailableError} when the server cannot be reached.
 */
export async function connectTarget(options: DatabaseOptions): Promise<TargetConnection> {
  const config = resolveDirectDatabaseConfig(options);
  const target = describeDatabaseTarget(config);
  const client = await openMaintenanceSession(config, `${config.applicationName} import`);
  return { client, target, password: config.password };
}
