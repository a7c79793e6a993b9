import type pg from "pg";
import { safeErrorReason } from "../connection/safe-error-reason.ts";
import { ExportFailedError, isDatabaseError } from "../errors.ts";
import { mapColumns, readTargetColumns, type TableMapping } from "./column-mapping.ts";
import { loadDuckDb } from "./duckdb-module.ts";
import { readDuckDbColumns } from "./duckdb-source.ts";
import { discardExportFile, planExportFile, publishExportFile, type ExportFile } from "./export-file.ts";
import { resolveExportOptions, type ExportOptions, type ResolvedExportOptions } from "./export-options.ts";
import type { ExportedTable, ExportSummary } from "./export-summary.ts";
import { exportTable } from "./export-table.ts";
import { IMPORT_TABLES, quoteIdentifier, type ImportTable } from "./import-tables.ts";
import type { TableChecksum } from "./row-checksum.ts";
import { sourceSchemaSql } from "./sample-letters-duckdb.ts";
import { connectTarget } from "./target-connection.ts";
import { verifyExportFile } from "./verify-export-file.ts";

/** Row count and largest id of each table, read in the export's snapshot. */
async function readTableSizes(client: pg.ClientBase): Promise<Map<ImportTable, { rows: number; maxId: number }>> {
  const sizes = new Map<ImportTable, { rows: number; maxId: number }>();
  for (const table of IMPORT_TABLES) {
    const result = await client.query<{ rows: string; max_id: number | null }>(`SELECT count(*) AS rows, max(id) AS max_id FROM ${quoteIdentifier(table)}`);
    sizes.set(table, { rows: Number(result.rows[0]?.rows ?? 0), maxId: result.rows[0]?.max_id ?? 0 });
  }
  return sizes;
}

/** The state one export carries from step to step. */
interface ExportRun {
  readonly options: ResolvedExportOptions;
  readonly file: ExportFile;
  readonly client: pg.Client;
  mappings: readonly TableMapping[];
  readonly tables: ExportedTable[];
  readonly sent: Map<ImportTable, TableChecksum>;
  currentTable: string | undefined;
}

/**
 * Writes the four tables, read in one snapshot, into the temporary file in the pipeline's DuckDB shape
 * ({@link sourceSchemaSql}: the same columns in the same order, types, defaults and primary keys, each id
 * sequence created to start one past the largest id). The exported columns are the DuckDB tables' own,
 * matched by name with the database's by the importer's column mapping.
 */
async function writeSnapshot(run: ExportRun): Promise<void> {
  const { client, options } = run;
  await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  await client.query("SET LOCAL statement_timeout = 0");
  await client.query("SET LOCAL idle_in_transaction_session_timeout = 0");
  const sizes = await readTableSizes(client);
  const databaseColumns = await readTargetColumns(client);
  const DuckDb = await loadDuckDb(options.to);
  const instance = await DuckDb.DuckDBInstance.create(run.file.temporary, { memory_limit: options.duckDbMemoryLimit });
  try {
    const connection = await instance.connect();
    try {
      const starts = Object.fromEntries(IMPORT_TABLES.map((table) => [table, (sizes.get(table)?.maxId ?? 0) + 1]));
      await connection.run(sourceSchemaSql("JSON", starts));
      const shape = await readDuckDbColumns(connection);
      const missing = [...shape].flatMap(([table, columns]) =>
        databaseColumns.has(table)
          ? columns.filter((column) => !databaseColumns.get(table)?.some((into) => into.name === column.name)).map((column) => `the database has no column ${table}.${column.name}`)
          : [`the database has no table ${table}: run se-letters-db migrate first`],
      );
      const { mappings, problems } = missing.length > 0 ? { mappings: [], problems: missing } : mapColumns(shape, databaseColumns, []);
      if (problems.length > 0) throw new ExportFailedError(options.to, `the database does not fit the pipeline's DuckDB shape: ${problems.join("; ")}`, undefined);
      run.mappings = mappings;
      for (const mapping of mappings) {
        run.currentTable = mapping.table;
        const size = sizes.get(mapping.table) ?? { rows: 0, maxId: 0 };
        const done = await exportTable(client, connection, DuckDb, mapping, {
          totalRows: size.rows,
          batchRows: options.batchRows,
          onProgress: options.onProgress ?? (() => undefined),
        });
        run.sent.set(mapping.table, done.checksum);
        run.tables.push({
          table: mapping.table,
          rows: done.rows,
          seconds: done.seconds,
          rowsPerSecond: done.seconds > 0 ? done.rows / done.seconds : done.rows,
          nextId: size.maxId + 1,
          leftOutColumns: mapping.defaulted,
        });
      }
      run.currentTable = undefined;
      await connection.run("CHECKPOINT");
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
  await client.query("COMMIT");
}

/**
 * Exports the four SE Letters tables from PostgreSQL into a new DuckDB file in the shape the pipeline
 * created, so that the pipeline can open it and write to it again: the way back after a cut-over, keeping
 * every row written since. All tables are read in one snapshot (a `REPEATABLE READ READ ONLY` transaction)
 * while writers go on, so every child row has its parent in the file. Rows stream in batches (binary
 * `COPY … TO STDOUT`, a DuckDB appender flushed every `batchRows` rows). The file is written beside the
 * target under a temporary name, read back and compared with what PostgreSQL sent (as `verify` compares),
 * and only then renamed: a failed, refused or killed export never leaves a file under the target's name.
 *
 * Values come back as the importer stored them: text, REAL bits (NaN, ±Infinity, -0), timestamps to the
 * microsecond (±infinity too) and ids exactly; JSON as the value jsonb holds (same value, keys in jsonb's
 * order, duplicate keys resolved, numbers at their stored precision).
 *
 * @throws {ExportTargetExistsError} when the file (or its `.wal`) exists and `force` is not set.
 * @throws {ExportFailedError} when PostgreSQL or DuckDB failed during the export (the temporary file is removed).
 * @throws {ImportSourceError} when `@duckdb/node-api` is missing or not of the supported line.
 * @throws {ConfigurationError} when the database configuration is invalid.
 * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached.
 * @example
 * const summary = await exportToDuckDb({ to: "data/letters.duckdb", databaseUrl: process.env.DATABASE_URL });
 * if (summary.outcome !== "exported") console.error(summary.verification.differences);
 */
export async function exportToDuckDb(input: ExportOptions): Promise<ExportSummary> {
  const started = performance.now();
  const options = resolveExportOptions(input);
  const file = planExportFile(options.to, options.force);
  await loadDuckDb(options.to);
  const { client, target, password } = await connectTarget(options, "export");
  const run: ExportRun = { options, file, client, mappings: [], tables: [], sent: new Map(), currentTable: undefined };
  try {
    await writeSnapshot(run);
    const verification = await verifyExportFile(file.temporary, run.mappings, run.sent, {
      memoryLimit: options.duckDbMemoryLimit,
      onProgress: options.onProgress ?? (() => undefined),
    });
    if (verification.ok) publishExportFile(file, options.force);
    else discardExportFile(file);
    return {
      outcome: verification.ok ? "exported" : "verification-failed",
      file: options.to,
      source: target,
      replaced: verification.ok && file.replaces,
      tables: run.tables,
      verification,
      totalSeconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    discardExportFile(file);
    if (isDatabaseError(error)) throw error;
    throw new ExportFailedError(options.to, safeErrorReason(error, password).split("\n")[0] ?? "", run.currentTable, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}
