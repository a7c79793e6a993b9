import type { DuckDBConnection, DuckDBDataChunk } from "@duckdb/node-api";
import { duckDbBindings, type SourceKind } from "./duckdb-source.ts";
import { quoteIdentifier } from "./import-tables.ts";

/** One column of one chunk: the vector's bytes and its validity mask (`null` when every row is valid). */
export interface RawColumn {
  readonly data: Buffer;
  readonly validity: Uint8Array | null;
}

/**
 * A chunk of rows (DuckDB's vector size, 2048) as raw vector memory. String columns are read "packed":
 * their entry holds the INTEGER byte length per row (NULL = SQL NULL) and `packed` holds, per row, the
 * bytes of all the row's strings concatenated, so a row's strings cost one native call.
 */
export interface RawChunk {
  readonly rowCount: number;
  readonly columns: readonly RawColumn[];
  readonly packed: Buffer | null;
  /** Keeps the chunk, and so its vector memory, alive while it is read. */
  readonly chunk: DuckDBDataChunk;
}

const WIDTH: Readonly<Record<SourceKind, number>> = { int4: 4, float4: 4, bool: 1, varchar: 16, json: 16, timestamp: 8 };

/** True for the kinds read as strings. */
export const isStringKind = (kind: SourceKind): boolean => kind === "varchar" || kind === "json";

/**
 * Streams a table's columns chunk by chunk; memory stays at a few chunks whatever the table's size.
 * The next chunk is requested before the current one is handed out, so DuckDB reads while JavaScript encodes.
 */
export async function* readChunks(
  connection: DuckDBConnection,
  table: string,
  columns: readonly { name: string; kind: SourceKind }[],
  where = "",
): AsyncGenerator<RawChunk> {
  const bindings = duckDbBindings();
  const strings = columns.filter((column) => isStringKind(column.kind));
  const select = columns.map((column) =>
    isStringKind(column.kind) ? `strlen(${quoteIdentifier(column.name)})::INTEGER` : quoteIdentifier(column.name),
  );
  if (strings.length > 0) select.push(`concat(${strings.map((column) => quoteIdentifier(column.name)).join(", ")})`);
  const widths = columns.map((column) => (isStringKind(column.kind) ? 4 : WIDTH[column.kind]));
  if (strings.length > 0) widths.push(16);
  const result = await connection.stream(`SELECT ${select.join(", ")} FROM ${quoteIdentifier(table)}${where}`);
  let next = result.fetchChunk();
  for (;;) {
    const chunk = await next;
    if (chunk === null || chunk.rowCount === 0) return;
    next = result.fetchChunk();
    const rowCount = chunk.rowCount;
    const validityBytes = Math.ceil(rowCount / 64) * 8;
    const raw: RawColumn[] = widths.map((width, index) => {
      const vector = bindings.data_chunk_get_vector(chunk.chunk, index);
      const data = bindings.vector_get_data(vector, rowCount * width);
      const validity = bindings.vector_get_validity(vector, validityBytes) as Uint8Array | null;
      return { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), validity: validity ?? null };
    });
    const packed = strings.length > 0 ? (raw.pop() as RawColumn).data : null;
    yield { rowCount, columns: raw, packed, chunk };
  }
}

/** True when row `row` is not NULL. */
export function isValid(validity: Uint8Array | null, row: number): boolean {
  return validity === null || (validity[row >> 3]! & (1 << (row & 7))) !== 0;
}

/** The UTF-8 bytes of the `duckdb_string_t` at `row`: inline up to 12 bytes, else behind a pointer. */
export function stringBytes(data: Buffer, row: number): Buffer {
  const offset = row * 16;
  const length = data.readUInt32LE(offset);
  if (length <= 12) return data.subarray(offset + 4, offset + 4 + length);
  const bytes = duckDbBindings().get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + offset + 8, length);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
