import pg from "pg";
import { describeDatabaseTarget, type DatabaseConfig } from "../config/database-config.ts";
import { DatabaseUnavailableError, DirectConnectionRequiredError } from "../errors.ts";
import { maintenanceSessionConfigFor } from "./pool-config.ts";
import { isBehindPooler, isRefusedStartupParameter } from "./pooler-detection.ts";
import { safeErrorReason } from "./safe-error-reason.ts";

/**
 * Opens one dedicated connection for a migration or an import (session in UTC, without the service pool's
 * statement and idle-in-transaction timeouts). A connection that breaks later fails its next query instead
 * of crashing the process with an unhandled `'error'`. The work needs one session for its whole run (a
 * session advisory lock, COPY, one snapshot), which a transaction-mode pooler does not keep: a
 * configuration marked `pgbouncer`, a login refused by PgBouncer, or a session detected behind a pooler
 * is refused.
 *
 * @param work what the session is for, named in the errors (e.g. `migrate`).
 * @throws {DirectConnectionRequiredError} when the configuration or the connection goes through a pooler.
 * @throws {DatabaseUnavailableError} when the server cannot be reached or refuses the login; the message
 *   names `user@host:port/database`, never the password.
 */
export async function openMaintenanceSession(config: DatabaseConfig, applicationName = config.applicationName, work = "this command"): Promise<pg.Client> {
  const target = describeDatabaseTarget(config);
  if (config.pgbouncer) throw new DirectConnectionRequiredError(target, work, "is marked as a pooler (pgbouncer)");
  const client = new pg.Client({ ...maintenanceSessionConfigFor(config), application_name: applicationName });
  client.on("error", () => undefined);
  try {
    await client.connect();
    if (await isBehindPooler(client)) throw new DirectConnectionRequiredError(target, work, "is a connection pooler (its session key is not the server's)");
  } catch (error) {
    await client.end().catch(() => undefined);
    if (error instanceof DirectConnectionRequiredError) throw error;
    if (isRefusedStartupParameter(error)) throw new DirectConnectionRequiredError(target, work, "is a connection pooler (it refused a startup parameter)");
    throw new DatabaseUnavailableError(target, safeErrorReason(error, config.password), { cause: error });
  }
  return client;
}
