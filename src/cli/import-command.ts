import { parseArgs } from "node:util";
import { environmentValue } from "../config/database-config.ts";
import { IMPORT_DEFAULTS } from "../importer/import-options.ts";
import { EXIT, UsageError } from "./usage-error.ts";

export const IMPORT_USAGE = `Usage:
  se-letters-db import --from FILE [--database-url URL | --embedded] [--replace] [--on-error stop|skip]
                       [--rejects FILE] [--ignore-column table.column]... [--dry-run] [--no-verify] [--json] [--quiet]
      Copies the four tables of a DuckDB file into PostgreSQL in one transaction, then verifies them
      before committing. The target is --database-url, else DIRECT_DATABASE_URL, else DATABASE_URL, else
      DB_* (never a pooler such as PgBouncer: set DIRECT_DATABASE_URL to the server); --embedded starts an
      embedded PostgreSQL instead, for a rehearsal. With none of them it stops (exit 2). --quiet prints only
      the summary (or --json's) and errors: no progress, no notices.
      Exit codes: 0 imported and verified (every source row imported or listed in --rejects),
      3 bad rows found (--on-error stop), 4 verification failed, 5 target not empty (use --replace).`;

/**
 * The flags `import`, `export` and `rehearse` share: where the database is (`--database-url`, else
 * DATABASE_URL or DB_*, or `--embedded`), and how much is printed (`--json`, `--quiet`).
 */
export const TARGET_OPTIONS = {
  "database-url": { type: "string" },
  embedded: { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  quiet: { type: "boolean", default: false },
} as const;

/** Where notices go: nowhere with --quiet, stderr with --json (stdout holds only JSON), else stdout. */
export function noticePrinter(values: { json: boolean; quiet: boolean }, out: (line: string) => void, err: (line: string) => void): (line: string) => void {
  return values.quiet ? () => undefined : values.json ? err : out;
}

/** Exit codes of `import` and `verify` beyond the common 0, 1 and 2. */
export const IMPORT_EXIT = Object.freeze({ ...EXIT, badRows: 3, verificationFailed: 4, targetNotEmpty: 5 });

/**
 * True when no database is configured: no --database-url, and neither DIRECT_DATABASE_URL, DATABASE_URL nor
 * any DB_* variable set to something other than blanks (which the configuration ignores too).
 */
export function noDatabaseConfigured(databaseUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  const isSet = (name: string): boolean => environmentValue(env, name) !== undefined;
  return databaseUrl === undefined && !isSet("DIRECT_DATABASE_URL") && !isSet("DATABASE_URL") && !Object.keys(env).some((name) => name.startsWith("DB_") && isSet(name));
}

/**
 * Runs `work` against the configured database, or, with `--embedded`, against an embedded PostgreSQL
 * (started, migrated and stopped here) after saying so. A cut-over must never look like success because
 * a `DATABASE_URL` was forgotten, so with neither a database nor `--embedded` it is a usage error. Never
 * prints the embedded server's URL.
 *
 * @throws {UsageError} when no database is configured and `--embedded` is not given, or both are.
 */
export async function withTargetDatabase<T>(
  target: { command: string; databaseUrl: string | undefined; embedded: boolean },
  say: (line: string) => void,
  work: (connection: { databaseUrl?: string; env?: Record<string, string | undefined> }) => Promise<T>,
): Promise<T> {
  if (target.embedded && target.databaseUrl !== undefined) throw new UsageError("--embedded and --database-url exclude each other");
  if (!target.embedded) {
    if (noDatabaseConfigured(target.databaseUrl)) {
      throw new UsageError(
        `${target.command} needs a target database: --database-url URL, DATABASE_URL or the DB_* variables, or --embedded for a rehearsal on an embedded PostgreSQL`,
      );
    }
    return work(target.databaseUrl === undefined ? {} : { databaseUrl: target.databaseUrl });
  }
  const { startEmbeddedPostgres } = await import("../embedded/embedded-postgres-server.ts");
  const { migrate } = await import("../migrate/migrate.ts");
  say("--embedded: starting an embedded PostgreSQL (data in .se-letters-db/postgres; DATABASE_URL and DB_* are not used) …");
  const server = await startEmbeddedPostgres();
  try {
    say(`Embedded PostgreSQL running at ${server.description}; it stops when this command ends.`);
    await migrate({ databaseUrl: server.url, env: {} });
    return await work({ databaseUrl: server.url, env: {} });
  } finally {
    await server.stop();
    say("Embedded PostgreSQL stopped.");
  }
}

/** `se-letters-db import …`: parses flags, calls `importDuckDb`, prints progress and the summary. */
export async function runImportCommand(args: string[], out: (line: string) => void, err: (line: string) => void = out): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      from: { type: "string" },
      ...TARGET_OPTIONS,
      replace: { type: "boolean", default: false },
      "on-error": { type: "string" },
      rejects: { type: "string" },
      "ignore-column": { type: "string", multiple: true, default: [] },
      "dry-run": { type: "boolean", default: false },
      "no-verify": { type: "boolean", default: false },
    },
  });
  void positionals;
  if (values.from === undefined) throw new UsageError("import needs --from FILE (the DuckDB file)");
  const onError = values["on-error"] ?? IMPORT_DEFAULTS.onError;
  if (onError !== "stop" && onError !== "skip") throw new UsageError(`--on-error must be stop or skip, not ${JSON.stringify(onError)}`);
  if (onError === "skip" && values.rejects === undefined) throw new UsageError("--on-error skip needs --rejects FILE: every rejected row is listed there");
  const { importDuckDb } = await import("../importer/index.ts");
  const { stderrProgressPrinter } = await import("./import-progress.ts");
  const { formatImportSummary } = await import("./import-summary-table.ts");
  const progress = stderrProgressPrinter(err);
  const say = noticePrinter(values, out, err);
  const target = { command: "import", databaseUrl: values["database-url"], embedded: values.embedded };
  const summary = await withTargetDatabase(target, say, (connection) =>
    importDuckDb({
      ...connection,
      from: values.from as string,
      replace: values.replace,
      onError,
      ...(values.rejects === undefined ? {} : { rejectsFile: values.rejects }),
      ignoreColumns: values["ignore-column"],
      dryRun: values["dry-run"],
      verify: !values["no-verify"],
      ...(values.quiet ? {} : { onProgress: progress }),
    }),
  );
  if (values.json) out(JSON.stringify(summary));
  else for (const line of formatImportSummary(summary)) out(line);
  switch (summary.outcome) {
    case "imported":
    case "dry-run":
      return IMPORT_EXIT.ok;
    case "bad-rows":
      return IMPORT_EXIT.badRows;
    case "verification-failed":
      return IMPORT_EXIT.verificationFailed;
  }
}
