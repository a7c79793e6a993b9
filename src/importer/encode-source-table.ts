import { loadColumns, type TableMapping } from "./column-mapping.ts";
import { readChunks } from "./duckdb-chunk-reader.ts";
import type { DuckDbSource } from "./duckdb-source.ts";
import type { TableEncoder } from "./pg-binary-encoder.ts";

/**
 * Reads one DuckDB table chunk by chunk and encodes it with `encoder`: yields a COPY buffer each time the
 * encoder fills one (calling `onFullBuffer` first), then the rest with the trailer. The load (which sends
 * the buffers) and the checksum pass (which only checksums the rows) share this loop. `withIgnored` also
 * reads the ignored columns, for the rejects file: only the load writes rejected rows.
 */
export async function* encodeSourceTable(
  source: DuckDbSource,
  mapping: TableMapping,
  encoder: TableEncoder,
  withIgnored: boolean,
  onFullBuffer: () => void = () => undefined,
): AsyncGenerator<Buffer> {
  for await (const chunk of readChunks(source.connection, mapping.table, loadColumns(mapping, withIgnored))) {
    const full = encoder.encodeChunk(chunk);
    if (full !== null) {
      onFullBuffer();
      yield full;
    }
  }
  yield encoder.finish();
}
