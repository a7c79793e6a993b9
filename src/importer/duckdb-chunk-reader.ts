import type { DuckDBConnection, DuckDBDataChunk } from "@duckdb/node-api";
import { duckDbBindings } from "./duckdb-module.ts";
import type { SourceKind } from "./duckdb-source.ts";
import { quoteIdentifier } from "./import-tables.ts";

/** One column of one chunk: the vector's bytes and its validity mask (`null` when every row is valid). */
export interface RawColumn {
  readonly data: Buffer;
  readonly validity: Uint8Array | null;
}

/**
 * The bytes of every row's strings concatenated (DuckDB's `concat` of the row's string columns): row `r`'s
 * bytes are `source[r]` from `start[r]` to `end[r]`; `hasNul[r]` is 1 when they contain a 0x00 byte.
 */
export interface PackedStrings {
  readonly source: Buffer[];
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly hasNul: Uint8Array;
}

/**
 * A chunk of rows (DuckDB's vector size, 2048) as raw vector memory. String columns are read "packed":
 * their entry holds the INTEGER byte length per row (NULL = SQL NULL) and `packed` holds the bytes of
 * each row's strings concatenated, fetched a few native calls per chunk (see {@link gatherStrings}).
 */
export interface RawChunk {
  readonly rowCount: number;
  readonly columns: readonly RawColumn[];
  readonly packed: PackedStrings | null;
  /** Keeps the chunk, and so its vector memory, alive while it is read. */
  readonly chunk: DuckDBDataChunk;
}

const WIDTH: Readonly<Record<SourceKind, number>> = { int4: 4, float4: 4, bool: 1, varchar: 16, json: 16, timestamp: 8 };

/** A column to read: `asText` reads DuckDB's text form of any type (with kind `varchar`). */
export interface ChunkColumn {
  readonly name: string;
  readonly kind: SourceKind;
  readonly asText?: boolean;
}

/** True for the kinds read as strings. */
export const isStringKind = (kind: SourceKind): boolean => kind === "varchar" || kind === "json";

/**
 * Streams a table's columns chunk by chunk; memory stays at a few chunks whatever the table's size.
 * The next chunk is requested before the current one is handed out, so DuckDB reads while JavaScript encodes.
 */
export async function* readChunks(
  connection: DuckDBConnection,
  table: string,
  columns: readonly ChunkColumn[],
  where = "",
): AsyncGenerator<RawChunk> {
  const bindings = duckDbBindings();
  const strings = columns.filter((column) => isStringKind(column.kind));
  const value = (column: ChunkColumn) => (column.asText ? `CAST(${quoteIdentifier(column.name)} AS VARCHAR)` : quoteIdentifier(column.name));
  const select = columns.map((column) => (isStringKind(column.kind) ? `strlen(${value(column)})::INTEGER` : value(column)));
  if (strings.length > 0) select.push(`concat(${strings.map(value).join(", ")})`);
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
    const packed = strings.length > 0 ? gatherStrings((raw.pop() as RawColumn).data, rowCount) : null;
    yield { rowCount, columns: raw, packed, chunk };
  }
}

/** True when row `row` is not NULL. */
export function isValid(validity: Uint8Array | null, row: number): boolean {
  return validity === null || (validity[row >> 3]! & (1 << (row & 7))) !== 0;
}

/**
 * Reads the strings of a VARCHAR vector (`duckdb_string_t`: length, then the bytes inline up to 12, else a
 * prefix and a pointer). DuckDB allocates a chunk's strings one after the other in its string heap, so
 * consecutive pointers usually follow each other: each such run is copied out with one native call instead
 * of one per row. A row joins the run only when it starts less than 8 bytes (alignment padding) after the
 * run's end, so every byte copied lies between two of DuckDB's own strings and is mapped memory; the padding
 * bytes are copied but never read as a value.
 */
export function gatherStrings(data: Buffer, rowCount: number): PackedStrings {
  const bindings = duckDbBindings();
  const source = new Array<Buffer>(rowCount);
  const start = new Int32Array(rowCount);
  const end = new Int32Array(rowCount);
  const hasNul = new Uint8Array(rowCount);
  const runOf = new Int32Array(rowCount).fill(-1);
  const runs: Buffer[] = [];
  let runFirstRow = -1;
  let runBase = 0;
  let runEnd = 0;
  const closeRun = () => {
    if (runFirstRow < 0) return;
    const bytes = bindings.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + runFirstRow * 16 + 8, runEnd - runBase);
    runs.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  };
  for (let row = 0; row < rowCount; row++) {
    const offset = row * 16;
    const length = data.readUInt32LE(offset);
    if (length <= 12) {
      source[row] = data;
      start[row] = offset + 4;
      end[row] = offset + 4 + length;
      for (let at = offset + 4; at < offset + 4 + length; at++) if (data[at] === 0) hasNul[row] = 1;
      continue;
    }
    const pointer = data.readUInt32LE(offset + 8) + data.readUInt32LE(offset + 12) * 2 ** 32;
    if (runFirstRow < 0 || pointer < runEnd || pointer >= runEnd + 8 || pointer + length - runBase > 0x3fffffff) {
      closeRun();
      runFirstRow = row;
      runBase = pointer;
    }
    runOf[row] = runs.length;
    start[row] = pointer - runBase;
    end[row] = pointer - runBase + length;
    runEnd = pointer + length;
  }
  closeRun();
  const nextZero = new Array<number>(runs.length).fill(-1);
  for (let row = 0; row < rowCount; row++) {
    const run = runOf[row]!;
    if (run < 0) continue;
    const bytes = runs[run] as Buffer;
    source[row] = bytes;
    // Rows of a run come in increasing offsets, so the search for the next 0x00 moves forward only.
    let zero = nextZero[run]!;
    if (zero !== Infinity && zero < start[row]!) {
      const found = bytes.indexOf(0, start[row]!);
      zero = found === -1 ? Infinity : found;
      nextZero[run] = zero;
    }
    if (zero < end[row]!) hasNul[row] = 1;
  }
  return { source, start, end, hasNul };
}
