import { parseArgs } from "node:util";
import { IMPORT_EXIT, noticePrinter, TARGET_OPTIONS, withTargetDatabase } from "./import-command.ts";
import { UsageError } from "./usage-error.ts";

export const EXPORT_USAGE = `Usage:
  se-letters-db export --to FILE.duckdb [--database-url URL | --embedded] [--force] [--json] [--quiet]
      Writes the four tables, read in one snapshot while writers go on, into a new DuckDB file in the
      pipeline's shape (same columns, types, primary keys; id sequences after the largest id): the way
      back after a cut-over. It is written beside FILE under a temporary name, verified, then renamed, so a
      failed or killed export leaves nothing under FILE. The database: as for import.
      Exit codes: 0 exported and verified, 4 verification failed (nothing written), 5 FILE exists (use --force).`;

/** `se-letters-db export …`: parses flags, calls `exportToDuckDb`, prints progress and the summary. */
export async function runExportCommand(args: string[], out: (line: string) => void, err: (line: string) => void = out): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: { to: { type: "string" }, force: { type: "boolean", default: false }, ...TARGET_OPTIONS },
  });
  if (values.to === undefined) throw new UsageError("export needs --to FILE (the DuckDB file to write)");
  const { exportToDuckDb } = await import("../importer/index.ts");
  const { stderrProgressPrinter } = await import("./import-progress.ts");
  const { formatExportSummary } = await import("./export-summary-table.ts");
  const progress = stderrProgressPrinter(err);
  const target = { command: "export", databaseUrl: values["database-url"], embedded: values.embedded };
  const summary = await withTargetDatabase(target, noticePrinter(values, out, err), (connection) =>
    exportToDuckDb({ ...connection, to: values.to as string, force: values.force, ...(values.quiet ? {} : { onProgress: progress }) }),
  );
  if (values.json) out(JSON.stringify(summary));
  else for (const line of formatExportSummary(summary)) out(line);
  return summary.outcome === "exported" ? IMPORT_EXIT.ok : IMPORT_EXIT.verificationFailed;
}
