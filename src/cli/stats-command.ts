import { parseArgs } from "node:util";
import { UsageError, EXIT } from "./usage-error.ts";

/** The usage text of `se-letters-db stats`. */
export const STATS_USAGE = `Usage:
  se-letters-db stats [--database-url URL] [--schema NAME] [--statement-timeout MS] [--json]
      Prints the database's health figures, read-only: connections (by state and application, against
      max_connections and the pool), the oldest transaction and idle-in-transaction session, lock waits,
      per table row estimates, sizes, vacuum and scans, per index size and use (never-used ones), cache hit
      ratios, size, transaction ID age, the slowest statements (pg_stat_statements, when loaded) and
      replicas' lag. Each statement is bounded by --statement-timeout (default 2000 ms). --json prints the
      report as JSON, {"version":1,...} (see the README). Exit code 0 when read, 1 when the server cannot
      be reached.`;

/** `se-letters-db stats`: reads the report and prints it, as tables or as JSON. */
export async function runStatsCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      "database-url": { type: "string" },
      schema: { type: "string" },
      "statement-timeout": { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const statementTimeoutMs = values["statement-timeout"] === undefined ? undefined : integerFlag("--statement-timeout", values["statement-timeout"]);
  // Loaded on use, so that other commands start without the Prisma client.
  const { connectDatabase } = await import("../client/database-client.ts");
  const { getDatabaseReport } = await import("../monitoring/database-report.ts");
  const { formatDatabaseReport } = await import("./database-report-text.ts");
  const db = await connectDatabase({
    ...(values["database-url"] === undefined ? {} : { databaseUrl: values["database-url"] }),
    poolSize: 1,
    onPoolError: () => undefined,
  });
  try {
    const report = await getDatabaseReport(db, {
      ...(values.schema === undefined ? {} : { schema: values.schema }),
      ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs }),
    });
    if (values.json) out(JSON.stringify(report));
    else for (const line of formatDatabaseReport(report)) out(line);
    return EXIT.ok;
  } finally {
    await db.close();
  }
}

/** A flag's value as a whole number, or a usage error naming the flag. */
export function integerFlag(flag: string, value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isInteger(number)) throw new UsageError(`${flag} needs a whole number, got ${JSON.stringify(value)}`);
  return number;
}
