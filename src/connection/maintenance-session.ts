import pg from "pg";
import { describeDatabaseTarget, type DatabaseConfig } from "../config/database-config.ts";
import { DatabaseUnavailableError } from "../errors.ts";
import { maintenanceSessionConfigFor } from "./pool-config.ts";
import { safeErrorReason } from "./safe-error-reason.ts";

/**
 * Opens one dedicated connection for a migration or an import (session in UTC, without the service pool's
 * statement and idle-in-transaction timeouts). A connection that breaks later fails its next query instead
 * of crashing the process with an unhandled `'error'`.
 *
 * @throws {DatabaseUnavailableError} when the server cannot be reached or refuses the login; the message
 *   names `user@host:port/database`, never the password.
 */
export async function openMaintenanceSession(config: DatabaseConfig, applicationName = config.applicationName): Promise<pg.Client> {
  const client = new pg.Client({ ...maintenanceSessionConfigFor(config), application_name: applicationName });
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DatabaseUnavailableError(describeDatabaseTarget(config), safeErrorReason(error, config.password), { cause: error });
  }
  return client;
}
