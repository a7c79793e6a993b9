import { parseArgs } from "node:util";
import { migrate } from "../migrate/migrate.ts";
import { markMigrationApplied, markMigrationRolledBack } from "../migrate/resolve-migration.ts";
import { EXIT, UsageError } from "./usage-error.ts";

export const MIGRATE_USAGE = `Usage:
  se-letters-db migrate [--database-url URL] [--migrations-dir DIR]
      Applies pending migrations, recording them as \`prisma migrate deploy\` does.
  se-letters-db migrate resolve --rolled-back NAME [--database-url URL]
      Marks a failed migration as rolled back, so the next migrate applies it again.
  se-letters-db migrate resolve --applied NAME [--database-url URL] [--migrations-dir DIR]
      Records a migration as applied without running it (its changes are already in the schema).

The database comes from --database-url, else DIRECT_DATABASE_URL (the server itself when DATABASE_URL names
PgBouncer: migrations refuse a pooler), else DATABASE_URL, else DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD.`;

/** `se-letters-db migrate …`: parses flags and calls the library. */
export async function runMigrateCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      "database-url": { type: "string" },
      "migrations-dir": { type: "string" },
      "rolled-back": { type: "string" },
      applied: { type: "string" },
    },
  });
  const connection = values["database-url"] === undefined ? {} : { databaseUrl: values["database-url"] };

  if (positionals[0] === "resolve") {
    const rolledBack = values["rolled-back"];
    const applied = values.applied;
    if (positionals.length > 1 || (rolledBack === undefined) === (applied === undefined)) {
      throw new UsageError("migrate resolve needs either --rolled-back NAME or --applied NAME");
    }
    if (rolledBack !== undefined) {
      await markMigrationRolledBack(rolledBack, connection);
      out(`Marked ${rolledBack} as rolled back. Run se-letters-db migrate to apply it again.`);
    } else if (applied !== undefined) {
      const directory = values["migrations-dir"] === undefined ? {} : { migrationsDirectory: values["migrations-dir"] };
      await markMigrationApplied(applied, { ...connection, ...directory });
      out(`Recorded ${applied} as applied without running it.`);
    }
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unknown argument ${JSON.stringify(positionals[0])} for migrate`);
  if (values["rolled-back"] !== undefined || values.applied !== undefined) throw new UsageError("--rolled-back and --applied go with migrate resolve");

  const result = await migrate({
    ...connection,
    ...(values["migrations-dir"] === undefined ? {} : { migrationsDirectory: values["migrations-dir"] }),
    onMigrationStart: (name) => out(`Applying ${name} …`),
  });
  if (result.applied.length === 0) {
    out(`No pending migrations: the database is up to date (${result.alreadyApplied.length} applied).`);
  } else {
    out(`Applied ${result.applied.length} migration${result.applied.length === 1 ? "" : "s"}: ${result.applied.join(", ")}.`);
  }
  if (result.unknown.length > 0) {
    out(`Note: the database has migrations this package does not know: ${result.unknown.join(", ")}.`);
  }
  return EXIT.ok;
}
