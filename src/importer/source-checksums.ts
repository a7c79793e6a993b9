import type { RejectTracker } from "./bad-rows.ts";
import type { TableMapping } from "./column-mapping.ts";
import type { DuckDbSource } from "./duckdb-source.ts";
import { encodeSourceTable } from "./encode-source-table.ts";
import type { ImportTable } from "./import-tables.ts";
import { TableEncoder, type RowGate } from "./pg-binary-encoder.ts";
import { TableChecksum } from "./row-checksum.ts";
import type { SourceTableState } from "./verify-target.ts";

/**
 * The source side of a verification, for `import` and `verify` alike: each table read from DuckDB and
 * encoded exactly as the load sends it (nothing is sent), and its rows checksummed, leaving out the rows
 * `tracker`'s gates refuse: rows whose id it already knows as rejected (by the load, or listed in a
 * rejects file), and those the encoder refuses on their own (a NULL id, say).
 *
 * `rejectedRows` gives each table's count of rejected rows for the report (the load's own counts); without
 * it, a table's count is the rows its gate left out as already listed.
 *
 * The import runs this for the tables the load did not checksum (those with JSON columns, whose checksum
 * needs jsonb's canonical form) while PostgreSQL rebuilds the indexes, when JavaScript would only wait, so
 * that work stays off the load. (Run beside the next tables' COPY instead, it made JavaScript their
 * bottleneck: measured slower.)
 */
export async function checksumSource(
  source: DuckDbSource,
  mappings: readonly TableMapping[],
  tracker: RejectTracker,
  rejectedRows?: ReadonlyMap<ImportTable, number>,
): Promise<SourceTableState[]> {
  const states: SourceTableState[] = [];
  for (const mapping of mappings) {
    const gate = tracker.gateFor(mapping);
    const checksum = await checksumSourceTable(source, mapping, gate);
    states.push({ mapping, checksum, rejectedRows: rejectedRows === undefined ? gate.listedRows : (rejectedRows.get(mapping.table) ?? 0) });
  }
  return states;
}

/** One table's checksum pass: the load's encoding loop with nothing sent. */
async function checksumSourceTable(source: DuckDbSource, mapping: TableMapping, gate: RowGate): Promise<TableChecksum> {
  const checksum = new TableChecksum();
  for await (const buffer of encodeSourceTable(source, mapping, new TableEncoder(mapping, gate, checksum), false)) void buffer;
  return checksum;
}
