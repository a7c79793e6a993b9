import { parseArgs } from "node:util";
import { IMPORT_EXIT, noticePrinter } from "./import-command.ts";
import { UsageError } from "./usage-error.ts";

export const REHEARSE_USAGE = `Usage:
  se-letters-db rehearse --from FILE.duckdb [--database-url URL] [--json] [--quiet]
      Rehearses the cut-over and the way back on a scratch database: migrate, import, verify, export to a
      temporary DuckDB file, compare it with FILE cell for cell. Prints one report: each step's duration,
      rows per table, rows import would reject, every difference, and the commands for the real cut-over
      and for the way back. The scratch database is --database-url (must be empty; DATABASE_URL and DB_*
      are never used), else an embedded PostgreSQL. Exit codes: 0 the round trip is exact, 4 it is not.`;

/** `se-letters-db rehearse …`: parses flags, calls `rehearseCutOver`, prints its report. */
export async function runRehearseCommand(args: string[], out: (line: string) => void, err: (line: string) => void = out): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      from: { type: "string" },
      "database-url": { type: "string" },
      json: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
    },
  });
  if (values.from === undefined) throw new UsageError("rehearse needs --from FILE (the DuckDB file)");
  const { rehearseCutOver } = await import("../importer/index.ts");
  const { stderrProgressPrinter } = await import("./import-progress.ts");
  const { formatRehearsalReport } = await import("./rehearsal-report-table.ts");
  const say = noticePrinter(values, out, err);
  const report = await rehearseCutOver({
    from: values.from,
    ...(values["database-url"] === undefined ? {} : { databaseUrl: values["database-url"] }),
    ...(values.quiet ? {} : { onProgress: stderrProgressPrinter(err), onStep: (step) => say(`== ${step}`) }),
  });
  if (values.json) out(JSON.stringify(report));
  else for (const line of formatRehearsalReport(report)) out(line);
  return report.exact ? IMPORT_EXIT.ok : IMPORT_EXIT.verificationFailed;
}
