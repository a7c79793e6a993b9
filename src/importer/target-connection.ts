import pg from "pg";
import { maintenanceSessionConfigFor } from "../client/pool-config.ts";
import { safeErrorReason } from "../client/safe-error-reason.ts";
import { describeDatabaseTarget, resolveDatabaseConfig, type DatabaseOptions } from "../config/database-config.ts";
import { DatabaseUnavailableError } from "../errors.ts";

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
  const config = resolveDatabaseConfig(options);
  const target = describeDatabaseTarget(config);
  const client = new pg.Client({ ...maintenanceSessionConfigFor(config), application_name: `${config.applicationName} import` });
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DatabaseUnavailableError(target, safeErrorReason(error, config.password), { cause: error });
  }
  return { client, target, password: config.password };
}
