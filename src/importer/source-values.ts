import { isStringKind, isValid, type RawChunk } from "./duckdb-chunk-reader.ts";
import type { SourceKind } from "./duckdb-source.ts";

/** A source value as written to the rejects file: JSON-safe, nothing rounded or dropped. */
export type SourceValue = string | number | boolean | null;

/**
 * Decodes one row of a raw chunk into JSON-safe values, for the rejects file: text and JSON columns as
 * strings (exact, JSON kept as its original text), REAL as a number when it is finite and not -0, else
 * `"NaN"`, `"Infinity"`, `"-Infinity"` or `"-0"`; TIMESTAMP as `YYYY-MM-DD HH:MM:SS.ffffff` (UTC, no zone),
 * `"infinity"` or `"-infinity"`.
 */
export function decodeRow(
  columns: readonly { name: string; kind: SourceKind }[],
  chunk: RawChunk,
  row: number,
): Record<string, SourceValue> {
  const values: Record<string, SourceValue> = {};
  const packed = chunk.packed === null ? null : chunk.packed.source[row]!;
  let packedOffset = chunk.packed === null ? 0 : chunk.packed.start[row]!;
  columns.forEach((column, index) => {
    const raw = chunk.columns[index] as RawChunk["columns"][number];
    if (!isValid(raw.validity, row)) {
      values[column.name] = null;
      return;
    }
    if (isStringKind(column.kind)) {
      const length = raw.data.readInt32LE(row * 4);
      values[column.name] = (packed as Buffer).toString("utf8", packedOffset, packedOffset + length);
      packedOffset += length;
      return;
    }
    values[column.name] = decodeFixed(column.kind, raw.data, row);
  });
  return values;
}

function decodeFixed(kind: SourceKind, data: Buffer, row: number): SourceValue {
  switch (kind) {
    case "int4":
      return data.readInt32LE(row * 4);
    case "bool":
      return data[row] !== 0;
    case "float4": {
      const value = data.readFloatLE(row * 4);
      if (Number.isNaN(value)) return "NaN";
      if (value === Infinity) return "Infinity";
      if (value === -Infinity) return "-Infinity";
      if (Object.is(value, -0)) return "-0";
      return value;
    }
    default:
      return formatTimestamp(data.readBigInt64LE(row * 8));
  }
}

const INFINITY_MICROS = 2n ** 63n - 1n;
const MICROS_PER_DAY = 86_400_000_000n;
// 400 Gregorian years, in days: shifting a date by whole cycles keeps its month, day and weekday.
const CYCLE_DAYS = 146_097n;

/**
 * DuckDB TIMESTAMP micros since 1970 as `YYYY-MM-DD HH:MM:SS.ffffff`, or `infinity` / `-infinity`. Years
 * outside 0000–9999 are written as JavaScript's ISO strings write them (`-290308-12-22 …`, `+294247-01-10 …`),
 * across DuckDB's whole range, beyond what a JavaScript `Date` can hold.
 */
export function formatTimestamp(micros: bigint): string {
  if (micros === INFINITY_MICROS) return "infinity";
  if (micros === -INFINITY_MICROS) return "-infinity";
  let days = micros / MICROS_PER_DAY;
  let ofDay = micros % MICROS_PER_DAY;
  if (ofDay < 0n) {
    ofDay += MICROS_PER_DAY;
    days -= 1n;
  }
  // Bring the date within a Date's range by whole 400-year cycles, then put the years back.
  const cycles = days / CYCLE_DAYS;
  const shifted = new Date(Number((days - cycles * CYCLE_DAYS) * 86_400_000n + ofDay / 1000n)).toISOString();
  const year = Number(shifted.slice(0, 4)) + Number(cycles) * 400;
  const yearText = year >= 0 && year <= 9999 ? String(year).padStart(4, "0") : `${year < 0 ? "-" : "+"}${String(Math.abs(year)).padStart(6, "0")}`;
  const fraction = `${shifted.slice(20, 23)}${(ofDay % 1000n).toString().padStart(3, "0")}`;
  return `${yearText}-${shifted.slice(5, 10)} ${shifted.slice(11, 19)}.${fraction}`;
}
