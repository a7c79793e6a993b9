import { parseArgs } from "node:util";
import { IMPORT_EXIT, withTargetDatabase } from "./import-command.ts";
import { UsageError } from "./usage-error.ts";

export const VERIFY_USAGE = `Usage:
  se-letters-db verify --from FILE [--database-url URL | --embedded] [--rejects FILE] [--ignore-column table.column]...
                       [--json]
      Compares a DuckDB file with PostgreSQL: per table the row count and a checksum of every row's
      content, and foreign-key orphans. Exit codes: 0 identical, 4 differences found.`;

/** `se-letters-db verify …`: compares a DuckDB file with the database and prints each difference. */
export async function runVerifyCommand(args: string[], out: (line: string) => void, err: (line: string) => void = out): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      from: { type: "string" },
      "database-url": { type: "string" },
      rejects: { type: "string" },
      "ignore-column": { type: "string", multiple: true, default: [] },
      json: { type: "boolean", default: false },
      embedded: { type: "boolean", default: false },
    },
  });
  if (values.from === undefined) throw new UsageError("verify needs --from FILE (the DuckDB file)");
  const { verifyImport } = await import("../importer/index.ts");
  const { formatVerification } = await import("./import-summary-table.ts");
  const target = { command: "verify", databaseUrl: values["database-url"], embedded: values.embedded };
  const report = await withTargetDatabase(target, values.json ? err : out, (connection) =>
    verifyImport({
      ...connection,
      from: values.from as string,
      ...(values.rejects === undefined ? {} : { rejectsFile: values.rejects }),
      ignoreColumns: values["ignore-column"],
    }),
  );
  if (values.json) out(JSON.stringify(report));
  else for (const line of formatVerification(report)) out(line);
  return report.ok ? IMPORT_EXIT.ok : IMPORT_EXIT.verificationFailed;
}
