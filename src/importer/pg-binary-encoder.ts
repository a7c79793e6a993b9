import type { TableMapping } from "./column-mapping.ts";
import { isValid, type RawChunk } from "./duckdb-chunk-reader.ts";
import { canonicalJsonb, JsonbRefusal, validateJsonb } from "./jsonb-canonical.ts";
import type { TableChecksum } from "./row-checksum.ts";

/**
 * Encoder of PostgreSQL's binary COPY format fed with raw DuckDB vectors (all integers big-endian):
 * header `PGCOPY\n\xff\r\n\0` + int32 flags + int32 extension length; per tuple an int16 field count,
 * then per field an int32 length (-1 = NULL) and the type's send-format bytes; trailer int16 -1.
 * int4 and float4 are the source's 4 bytes swapped (float bits exact: NaN, ±Infinity, -0), bool 1 byte,
 * text the UTF-8 bytes as they are, jsonb a version byte 1 + the JSON text, timestamp int64 microseconds
 * since 2000-01-01 (DuckDB's ±infinity mapped to PostgreSQL's).
 */
export const COPY_HEADER = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);
const COPY_TRAILER = Buffer.from([0xff, 0xff]);

/** One reason a row cannot be imported as it is. */
export interface RowProblem {
  readonly column: string;
  readonly reason: string;
}

/** Decides, per row, whether it is imported, and hears about every row that is not. */
export interface RowGate {
  /** Problems known before the row's values are looked at (rejected parent, orphan, duplicate id, listed). */
  problemsBefore(chunk: RawChunk, row: number, id: number | null): RowProblem[] | null;
  /** Called for each row that is not imported, with every problem found. */
  rejected(chunk: RawChunk, row: number, id: number | null, problems: RowProblem[]): void;
}

const PG_EPOCH_MICROS = 946_684_800_000_000;
const EPOCH_HIGH = Math.floor(PG_EPOCH_MICROS / 2 ** 32);
const EPOCH_LOW = PG_EPOCH_MICROS % 2 ** 32;
// PostgreSQL's earliest timestamp (4714-11-24 BC) in DuckDB's micros since 1970; DuckDB goes further back.
const PG_MIN_UNIX_MICROS = -211_813_488_000_000_000n + 946_684_800_000_000n;
const PG_MIN_GUARD_HIGH = Math.floor(Number(PG_MIN_UNIX_MICROS) / 2 ** 32) + 1;
const NUL_REASON = "text contains a NUL character (0x00), which PostgreSQL cannot store (SQLSTATE 22021)";

const enum Code { Int4, Float4, Bool, Text, Jsonb, Timestamp }

/** Encodes a table's chunks; rows with problems are left out and handed to the gate. */
export class TableEncoder {
  /** Rows encoded (imported). */
  rows = 0;
  /** Rows left out. */
  rejectedRows = 0;
  private buffer: Buffer;
  private position = 0;
  private readonly codes: Code[];
  private readonly notNull: boolean[];
  private readonly names: string[];
  private readonly idIndex: number;

  constructor(
    readonly mapping: TableMapping,
    private readonly gate: RowGate,
    private readonly checksum: TableChecksum | null,
    private readonly flushBytes = 1 << 20,
  ) {
    const columns = mapping.columns;
    this.codes = columns.map((column) =>
      column.target === "int4" ? Code.Int4
      : column.target === "float4" ? Code.Float4
      : column.target === "bool" ? Code.Bool
      : column.target === "text" ? Code.Text
      : column.target === "jsonb" ? Code.Jsonb
      : Code.Timestamp,
    );
    this.notNull = columns.map((column) => column.notNull);
    this.names = columns.map((column) => column.name);
    this.idIndex = this.names.indexOf("id");
    this.buffer = Buffer.allocUnsafe(flushBytes + (flushBytes >> 1));
    COPY_HEADER.copy(this.buffer, 0);
    this.position = COPY_HEADER.length;
  }

  private ensure(bytes: number): void {
    if (this.position + bytes <= this.buffer.length) return;
    const larger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.position + bytes));
    this.buffer.copy(larger, 0, 0, this.position);
    this.buffer = larger;
  }

  /** Encodes a chunk; returns a full buffer to send once `flushBytes` is reached, else `null`. */
  encodeChunk(chunk: RawChunk): Buffer | null {
    const columns = chunk.columns;
    const codes = this.codes;
    const count = codes.length; // the chunk may carry more columns (ignored ones, for the rejects file)
    const fixedMax = 2 + count * 12;
    const checksum = this.checksum;
    for (let row = 0; row < chunk.rowCount; row++) {
      const id = this.rowId(chunk, row);
      let problems = this.gate.problemsBefore(chunk, row, id);
      const packed = chunk.packed;
      const strings = packed === null ? null : packed.source[row]!;
      const hasNul = packed !== null && packed.hasNul[row] === 1;
      let stringOffset = packed === null ? 0 : packed.start[row]!;
      const rowStart = this.position;
      this.ensure(fixedMax);
      let buffer = this.buffer;
      let at = rowStart;
      buffer.writeInt16BE(count, at);
      at += 2;
      checksum?.beginRow();
      for (let index = 0; index < count; index++) {
        const column = columns[index] as RawChunk["columns"][number];
        if (column.validity !== null && (column.validity[row >> 3]! & (1 << (row & 7))) === 0) {
          if (this.notNull[index]) (problems ??= []).push({ column: this.names[index] as string, reason: "NULL in a NOT NULL column" });
          buffer.writeInt32BE(-1, at);
          at += 4;
          checksum?.nullField();
          continue;
        }
        const data = column.data;
        switch (codes[index]) {
          case Code.Int4:
          case Code.Float4: {
            const offset = row * 4;
            buffer.writeInt32BE(4, at);
            buffer[at + 4] = data[offset + 3]!;
            buffer[at + 5] = data[offset + 2]!;
            buffer[at + 6] = data[offset + 1]!;
            buffer[at + 7] = data[offset]!;
            checksum?.field(buffer, at + 4, at + 8);
            at += 8;
            break;
          }
          case Code.Bool:
            buffer.writeInt32BE(1, at);
            buffer[at + 4] = data[row] !== 0 ? 1 : 0;
            checksum?.field(buffer, at + 4, at + 5);
            at += 5;
            break;
          case Code.Text:
          case Code.Jsonb: {
            const isJson = codes[index] === Code.Jsonb;
            const source = strings as Buffer;
            const start = stringOffset;
            const length = data.readInt32LE(row * 4);
            stringOffset += length;
            const size = length + (isJson ? 1 : 0);
            if (at + 4 + size + fixedMax > buffer.length) {
              this.position = at;
              this.ensure(4 + size + fixedMax);
              buffer = this.buffer;
            }
            buffer.writeInt32BE(size, at);
            at += 4;
            const valueStart = at;
            if (isJson) buffer[at++] = 1;
            if (length < 64) {
              for (let byte = 0; byte < length; byte++) buffer[at + byte] = source[start + byte]!;
            } else {
              source.copy(buffer, at, start, start + length);
            }
            at += length;
            if (hasNul && source.subarray(start, start + length).indexOf(0) !== -1) {
              (problems ??= []).push({ column: this.names[index] as string, reason: NUL_REASON });
            } else if (isJson) {
              try {
                const text = source.toString("utf8", start, start + length);
                if (checksum === null) {
                  validateJsonb(text);
                } else {
                  const bytes = Buffer.from(`\u0001${canonicalJsonb(text)}`, "utf8"); // jsonb's send format: version 1, then the text
                  checksum.field(bytes, 0, bytes.length);
                }
              } catch (error) {
                if (!(error instanceof JsonbRefusal)) throw error;
                (problems ??= []).push({ column: this.names[index] as string, reason: error.message });
              }
            } else {
              checksum?.field(buffer, valueStart, at);
            }
            break;
          }
          default: {
            const offset = row * 8;
            const low = data.readUInt32LE(offset);
            const high = data.readInt32LE(offset + 4);
            buffer.writeInt32BE(8, at);
            if (high === 0x7fffffff && low === 0xffffffff) {
              buffer.writeUInt32BE(0x7fffffff, at + 4);
              buffer.writeUInt32BE(0xffffffff, at + 8);
            } else if (high === -0x80000000 && low === 1) {
              buffer.writeUInt32BE(0x80000000, at + 4); // DuckDB's -infinity is -(2^63-1), PostgreSQL's -2^63
              buffer.writeUInt32BE(0, at + 8);
            } else if (high <= PG_MIN_GUARD_HIGH && data.readBigInt64LE(offset) < PG_MIN_UNIX_MICROS) {
              (problems ??= []).push({ column: this.names[index] as string, reason: "timestamp before 4714-11-24 BC, outside PostgreSQL's range" });
            } else {
              let lowPart = low - EPOCH_LOW;
              let highPart = high - EPOCH_HIGH;
              if (lowPart < 0) {
                lowPart += 2 ** 32;
                highPart -= 1;
              }
              buffer.writeInt32BE(highPart, at + 4);
              buffer.writeUInt32BE(lowPart, at + 8);
            }
            checksum?.field(buffer, at + 4, at + 12);
            at += 12;
          }
        }
      }
      if (problems === null) {
        this.position = at;
        checksum?.endRow();
        this.rows++;
      } else {
        this.position = rowStart;
        this.rejectedRows++;
        this.gate.rejected(chunk, row, id, problems);
      }
    }
    return this.position >= this.flushBytes ? this.take() : null;
  }

  private rowId(chunk: RawChunk, row: number): number | null {
    const column = chunk.columns[this.idIndex] as RawChunk["columns"][number];
    return isValid(column.validity, row) ? column.data.readInt32LE(row * 4) : null;
  }

  private take(): Buffer {
    const out = this.buffer.subarray(0, this.position);
    this.buffer = Buffer.allocUnsafe(this.flushBytes + (this.flushBytes >> 1));
    this.position = 0;
    return out;
  }

  /** The remaining bytes and the trailer. */
  finish(): Buffer {
    this.ensure(2);
    COPY_TRAILER.copy(this.buffer, this.position);
    this.position += 2;
    return this.take();
  }
}
