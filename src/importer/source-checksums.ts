import type pg from "pg";
import { RejectTracker } from "./bad-rows.ts";
import { copyTable } from "./bulk-load.ts";
import type { TableMapping } from "./column-mapping.ts";
import type { DuckDbSource } from "./duckdb-source.ts";
import type { ImportTable } from "./import-tables.ts";
import type { RowProblem } from "./pg-binary-encoder.ts";
import { TableChecksum } from "./row-checksum.ts";
import type { SourceTableState } from "./verify-target.ts";

/** What the load pass left out, per table: the ids of rejected rows and how many rows it rejected. */
export interface LoadPassRejects {
  readonly ids: ReadonlyMap<ImportTable, ReadonlySet<number>>;
  readonly counts: ReadonlyMap<ImportTable, number>;
}

/**
 * The source side of the verification for the tables the load did not checksum: each read again from
 * DuckDB and encoded exactly as the load sent it (nothing is sent), checksummed, leaving out the rows the
 * load left out: those whose id it rejected, and those the encoder refuses again on their own (a NULL id,
 * say). The import runs this while PostgreSQL rebuilds the indexes, when JavaScript would only wait, so
 * the work of the JSON tables' checksums (jsonb's canonical form, hashing) stays off the load. (Run beside
 * the next tables' COPY instead, it made JavaScript their bottleneck: measured slower.)
 */
export async function checksumSource(
  client: pg.ClientBase,
  source: DuckDbSource,
  mappings: readonly TableMapping[],
  setProblems: ReadonlyMap<ImportTable, ReadonlyMap<number, RowProblem[]>>,
  loadPass: LoadPassRejects,
): Promise<SourceTableState[]> {
  const replay = new RejectTracker(setProblems, null, loadPass.ids);
  const states: SourceTableState[] = [];
  for (const mapping of mappings) {
    const checksum = new TableChecksum();
    await copyTable(client, source, mapping, replay.gateFor(mapping), checksum, () => undefined, false);
    states.push({ mapping, checksum, rejectedRows: loadPass.counts.get(mapping.table) ?? 0 });
  }
  return states;
}
