import { parseArgs } from "node:util";
import { isDatabaseError } from "../errors.ts";
import { EXIT } from "./usage-error.ts";

export const STATUS_USAGE = `Usage:
  se-letters-db status [--database-url URL] [--migrations-dir DIR] [--json]
      Says whether the database is reachable and whether migrations are pending. Exit code 0 when healthy.`;

/** `se-letters-db status`: connects, runs the health check, prints it. */
export async function runStatusCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      "database-url": { type: "string" },
      "migrations-dir": { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  // Loaded on use, so that other commands (import above all) start without the Prisma client.
  const { connectDatabase } = await import("../client/database-client.ts");
  const { checkDatabaseHealth } = await import("../client/health-check.ts");
  let db;
  try {
    db = await connectDatabase({
      ...(values["database-url"] === undefined ? {} : { databaseUrl: values["database-url"] }),
      onPoolError: () => undefined,
    });
  } catch (error) {
    if (!isDatabaseError(error) || error.code !== "DATABASE_UNAVAILABLE") throw error;
    if (values.json) out(JSON.stringify({ healthy: false, reachable: false, error: error.message }));
    else out(error.message);
    return EXIT.failure;
  }
  try {
    const report = await checkDatabaseHealth(db, values["migrations-dir"] === undefined ? {} : { migrationsDirectory: values["migrations-dir"] });
    if (values.json) {
      out(JSON.stringify(report));
    } else {
      out(`Database ${report.target}: ${report.reachable ? `reachable (PostgreSQL ${report.serverVersion}, ${report.latencyMs} ms)` : "unreachable"}`);
      if (report.migrations) out(`Migrations: ${report.migrations.applied} applied, ${report.migrations.pending.length} pending`);
      if (report.error) out(`Problem: ${report.error}`);
      out(report.healthy ? "Healthy." : "Not healthy.");
    }
    return report.healthy ? EXIT.ok : EXIT.failure;
  } finally {
    await db.close();
  }
}
