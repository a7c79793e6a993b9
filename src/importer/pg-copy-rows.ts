/**
 * One row of PostgreSQL's binary `COPY … TO STDOUT` output: field `i` is `buffer[starts[i], ends[i])` in
 * its type's send format, or NULL when `starts[i]` is -1. Valid only during the callback that receives it.
 */
export interface CopyRow {
  readonly buffer: Buffer;
  readonly fields: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

const HEADER_BYTES = 19; // "PGCOPY\n\xff\r\n\0", int32 flags, int32 extension length

/**
 * Parses a binary COPY stream row by row (header, then per row an int16 field count and per field an int32
 * length, -1 for NULL, then the bytes; trailer int16 -1) and calls `onRow` for each. A row split across two
 * chunks of the stream is joined first. Memory stays at about one chunk plus one row. Returns the row count.
 */
export async function forEachCopyRow(stream: AsyncIterable<Buffer>, onRow: (row: CopyRow) => void): Promise<number> {
  let starts = new Int32Array(32);
  let ends = new Int32Array(32);
  let pending: Buffer | null = null;
  let headerDone = false;
  let rows = 0;
  for await (const data of stream) {
    const buffer: Buffer = pending === null ? data : Buffer.concat([pending, data]);
    let at = 0;
    if (!headerDone) {
      if (buffer.length < HEADER_BYTES) {
        pending = buffer;
        continue;
      }
      at = HEADER_BYTES + buffer.readInt32BE(15);
      headerDone = true;
    }
    for (;;) {
      if (at + 2 > buffer.length) break;
      const fields = buffer.readInt16BE(at);
      if (fields === -1) {
        at += 2;
        break;
      }
      if (fields > starts.length) {
        starts = new Int32Array(fields);
        ends = new Int32Array(fields);
      }
      let cursor = at + 2;
      let complete = true;
      for (let field = 0; field < fields; field++) {
        if (cursor + 4 > buffer.length) {
          complete = false;
          break;
        }
        const length = buffer.readInt32BE(cursor);
        cursor += 4;
        if (length === -1) {
          starts[field] = -1;
          ends[field] = -1;
          continue;
        }
        if (cursor + length > buffer.length) {
          complete = false;
          break;
        }
        starts[field] = cursor;
        ends[field] = cursor + length;
        cursor += length;
      }
      if (!complete) break;
      onRow({ buffer, fields, starts, ends });
      rows++;
      at = cursor;
    }
    pending = at < buffer.length ? buffer.subarray(at) : null;
  }
  return rows;
}
