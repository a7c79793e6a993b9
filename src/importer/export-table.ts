import type { DuckDBAppender, DuckDBConnection } from "@duckdb/node-api";
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { columnList, type TableMapping, type TargetKind } from "./column-mapping.ts";
import type { DuckDbModule } from "./duckdb-module.ts";
import type { ExportProgress } from "./export-options.ts";
import { quoteIdentifier } from "./import-tables.ts";
import { forEachCopyRow } from "./pg-copy-rows.ts";
import { TableChecksum } from "./row-checksum.ts";

/** Appends one non-NULL field, given in PostgreSQL's send format, to the appender's current row. */
type FieldWriter = (appender: DuckDBAppender, buffer: Buffer, start: number, end: number) => void;

const PG_EPOCH_MICROS = 946_684_800_000_000n;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/**
 * The inverse of the importer's encoder (pg-binary-encoder.ts), per target kind: int4 and float4 from their
 * 4 big-endian bytes (float bits exact: NaN, ±Infinity, -0), bool, text as its UTF-8 bytes, jsonb without its
 * version byte (the text PostgreSQL stores: the JSON's value, keys in jsonb's order), timestamp as
 * microseconds since 2000 moved to DuckDB's 1970 epoch, PostgreSQL's ±infinity mapped to DuckDB's.
 */
function fieldWriter(kind: TargetKind, DuckDb: DuckDbModule): FieldWriter {
  switch (kind) {
    case "int4":
      return (appender, buffer, start) => appender.appendInteger(buffer.readInt32BE(start));
    case "float4":
      return (appender, buffer, start) => appender.appendFloat(buffer.readFloatBE(start));
    case "bool":
      return (appender, buffer, start) => appender.appendBoolean(buffer[start] !== 0);
    case "text":
      return (appender, buffer, start, end) => appender.appendVarchar(buffer.toString("utf8", start, end));
    case "jsonb":
      return (appender, buffer, start, end) => {
        if (buffer[start] !== 1) throw new Error(`unknown jsonb send format version ${buffer[start]}`);
        appender.appendVarchar(buffer.toString("utf8", start + 1, end));
      };
    case "timestamp":
      return (appender, buffer, start) => {
        const micros = buffer.readBigInt64BE(start);
        const duck = micros === INT64_MAX ? INT64_MAX : micros === INT64_MIN ? -INT64_MAX : micros + PG_EPOCH_MICROS;
        appender.appendTimestamp(new DuckDb.DuckDBTimestampValue(duck));
      };
  }
}

/** What exporting one table did. */
export interface TableExport {
  readonly rows: number;
  readonly seconds: number;
  /** Checksum of the rows as PostgreSQL sent them: the file's rows must checksum the same. */
  readonly checksum: TableChecksum;
}

/**
 * Streams one table from PostgreSQL (binary `COPY … TO STDOUT`, in the caller's snapshot) into the DuckDB
 * table of the same name through an appender, flushed every `batchRows` rows: memory stays at about one batch
 * and one stream chunk whatever the table's size. The columns are the mapping's, in the DuckDB table's order.
 */
export async function exportTable(
  client: pg.ClientBase,
  connection: DuckDBConnection,
  DuckDb: DuckDbModule,
  mapping: TableMapping,
  options: { readonly totalRows: number; readonly batchRows: number; readonly onProgress: (progress: ExportProgress) => void },
): Promise<TableExport> {
  const started = performance.now();
  const writers = mapping.columns.map((column) => fieldWriter(column.target, DuckDb));
  const checksum = new TableChecksum();
  const appender = await connection.createAppender(mapping.table);
  const progress = (rows: number) => {
    const seconds = (performance.now() - started) / 1000;
    options.onProgress({ phase: "load", table: mapping.table, totalRows: options.totalRows, rowsRead: rows, imported: rows, rejected: 0, seconds });
  };
  let rows = 0;
  let failed = true;
  try {
    const stream = client.query(copyTo(`COPY ${quoteIdentifier(mapping.table)} (${columnList(mapping.columns)}) TO STDOUT (FORMAT binary)`));
    await forEachCopyRow(stream as AsyncIterable<Buffer>, (row) => {
      checksum.beginRow();
      for (let field = 0; field < row.fields; field++) {
        const start = row.starts[field]!;
        if (start === -1) {
          appender.appendNull();
          checksum.nullField();
        } else {
          const end = row.ends[field]!;
          (writers[field] as FieldWriter)(appender, row.buffer, start, end);
          checksum.field(row.buffer, start, end);
        }
      }
      appender.endRow();
      checksum.endRow();
      if (++rows % options.batchRows === 0) {
        appender.flushSync();
        progress(rows);
      }
    });
    appender.flushSync();
    failed = false;
  } finally {
    try {
      appender.closeSync();
    } catch (error) {
      if (!failed) throw error; // else the first failure is the one to report
    }
  }
  const seconds = (performance.now() - started) / 1000;
  options.onProgress({ phase: "table-loaded", table: mapping.table, rowsRead: rows, imported: rows, rejected: 0, seconds });
  return { rows, seconds, checksum };
}
