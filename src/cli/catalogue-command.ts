import { parseArgs } from "node:util";
import { IMPORT_EXIT, noticePrinter, TARGET_OPTIONS, withTargetDatabase } from "./import-command.ts";
import { UsageError } from "./usage-error.ts";

/** The usage text of `se-letters-db catalogue`, printed by `se-letters-db catalogue --help`. */
export const CATALOGUE_USAGE = `Usage:
  se-letters-db catalogue sync --from FILE.duckdb [--table T] [--id-column C] [--on-duplicate error|first|last]
                               [--on-null error|skip] [--database-url URL | --embedded] [--json] [--quiet]
      Copies the IBcatalogue DuckDB file (opened read-only; table T, default products; identifier column C,
      default PRODUCT_IDENTIFIER) into the PostgreSQL table ibcatalogue_products: every column, JSONB for
      types PostgreSQL lacks, the identifier as primary key. The new copy replaces the old one in one
      transaction: readers see the old catalogue or the new one, never a mix. Identifiers that are NULL or
      repeated are refused unless --on-null skip / --on-duplicate first|last says what to do. The database:
      as for import. Exit codes: 0 synced, 3 refused (NULL or repeated identifiers; nothing written).`;

/** `se-letters-db catalogue sync …`: parses flags, calls `syncCatalogue`, prints progress and the summary. */
export async function runCatalogueCommand(args: string[], out: (line: string) => void, err: (line: string) => void = out): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand !== "sync") {
    throw new UsageError(subcommand === undefined ? "catalogue needs a subcommand: sync" : `Unknown catalogue subcommand ${JSON.stringify(subcommand)}: sync`);
  }
  const { values } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: false,
    options: {
      from: { type: "string" },
      table: { type: "string" },
      "id-column": { type: "string" },
      "on-duplicate": { type: "string", default: "error" },
      "on-null": { type: "string", default: "error" },
      ...TARGET_OPTIONS,
    },
  });
  if (values.from === undefined) throw new UsageError("catalogue sync needs --from FILE (the IBcatalogue DuckDB file)");
  const onDuplicate = values["on-duplicate"];
  if (onDuplicate !== "error" && onDuplicate !== "first" && onDuplicate !== "last") {
    throw new UsageError(`--on-duplicate must be error, first or last, not ${JSON.stringify(onDuplicate)}`);
  }
  const onNull = values["on-null"];
  if (onNull !== "error" && onNull !== "skip") throw new UsageError(`--on-null must be error or skip, not ${JSON.stringify(onNull)}`);
  const { syncCatalogue } = await import("../catalogue/index.ts");
  const { stderrProgressPrinter } = await import("./import-progress.ts");
  const { formatCatalogueSyncSummary } = await import("./catalogue-sync-summary.ts");
  const progress = stderrProgressPrinter(err);
  const target = { command: "catalogue sync", databaseUrl: values["database-url"], embedded: values.embedded };
  const summary = await withTargetDatabase(target, noticePrinter(values, out, err), (connection) =>
    syncCatalogue({
      ...connection,
      from: values.from as string,
      ...(values.table === undefined ? {} : { table: values.table }),
      ...(values["id-column"] === undefined ? {} : { columns: { identifier: values["id-column"] } }),
      onDuplicate,
      onNull,
      ...(values.quiet ? {} : { onProgress: progress }),
    }),
  );
  if (values.json) out(JSON.stringify(summary));
  else for (const line of formatCatalogueSyncSummary(summary)) out(line);
  return IMPORT_EXIT.ok;
}
