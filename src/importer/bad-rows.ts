import type { DuckDBConnection } from "@duckdb/node-api";
import { loadColumns, type TableMapping } from "./column-mapping.ts";
import { isValid, type RawChunk } from "./duckdb-chunk-reader.ts";
import { IMPORT_TABLES, PARENT_REFERENCES, quoteIdentifier, type ImportTable } from "./import-tables.ts";
import type { RowGate, RowProblem } from "./pg-binary-encoder.ts";
import type { RejectsFile } from "./rejects-file.ts";
import { decodeRow } from "./source-values.ts";

/** A source row that was not imported, and why. */
export interface RejectedRow {
  readonly table: ImportTable;
  /** Its id, or `null` when the id itself is NULL. */
  readonly id: number | null;
  /** Every reason found: the column concerned and what is wrong. */
  readonly problems: readonly RowProblem[];
}

/** Marks a row listed in an earlier rejects file (verification): expected to be absent, not a new problem. */
const LISTED: RowProblem = Object.freeze({ column: "", reason: "listed in the rejects file" });

/** At most this many rejected rows are kept in a summary; the counts stay exact. */
export const MAX_LISTED_REJECTS = 10_000;

/**
 * Problems only visible across rows, found in DuckDB before anything is loaded: ids that are not unique
 * (the primary key would refuse them) and children whose parent id does not exist in the source.
 */
export async function findSetProblems(
  connection: DuckDBConnection,
  mappings: readonly TableMapping[],
  uniqueIdTables: ReadonlySet<string> = new Set(),
): Promise<Map<ImportTable, Map<number, RowProblem[]>>> {
  const found = new Map<ImportTable, Map<number, RowProblem[]>>();
  const add = (table: ImportTable, id: number, problem: RowProblem) => {
    const byId = found.get(table) ?? new Map<number, RowProblem[]>();
    found.set(table, byId);
    byId.set(id, [...(byId.get(id) ?? []), problem]);
  };
  for (const mapping of mappings) {
    const table = quoteIdentifier(mapping.table);
    // DuckDB enforces its own PRIMARY KEY and UNIQUE constraints: a table that declares one on id has no duplicates.
    if (!uniqueIdTables.has(mapping.table)) {
      const duplicates = await connection.runAndReadAll(`SELECT id, count(*)::INTEGER AS n FROM ${table} WHERE id IS NOT NULL GROUP BY id HAVING count(*) > 1`);
      for (const [id, n] of duplicates.getRowsJS() as [number, number][]) {
        add(mapping.table, id, { column: "id", reason: `id ${id} appears ${n} times in the source (the primary key allows one)` });
      }
    }
    for (const reference of PARENT_REFERENCES[mapping.table]) {
      if (!mapping.columns.some((column) => column.name === reference.column)) continue;
      const column = quoteIdentifier(reference.column);
      const orphans = await connection.runAndReadAll(
        `SELECT c.id, c.${column} FROM ${table} c WHERE c.id IS NOT NULL AND c.${column} IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM ${quoteIdentifier(reference.parent)} p WHERE p.id = c.${column})`,
      );
      for (const [id, parent] of orphans.getRowsJS() as [number, number][]) {
        add(mapping.table, id, { column: reference.column, reason: `parent ${reference.parent} id ${parent} does not exist in the source` });
      }
    }
  }
  return found;
}

/**
 * The bad-row bookkeeping of one run: which ids were rejected per table (so their children are rejected
 * too), the rejected rows for the summary, and the rejects file.
 */
export class RejectTracker {
  readonly listed: RejectedRow[] = [];
  readonly counts = new Map<ImportTable, number>(IMPORT_TABLES.map((table) => [table, 0]));
  private readonly rejectedIds = new Map<ImportTable, Set<number>>(IMPORT_TABLES.map((table) => [table, new Set<number>()]));

  constructor(
    private readonly setProblems: ReadonlyMap<ImportTable, ReadonlyMap<number, RowProblem[]>>,
    private readonly rejectsFile: RejectsFile | null,
    /** Rows listed in an earlier run's rejects file (verification only): left out silently. */
    private readonly alreadyListed: ReadonlyMap<ImportTable, ReadonlySet<number>> = new Map(),
  ) {}

  /** Total rejected rows. */
  get total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  /** The ids rejected so far, per table (rows rejected with a NULL id are not in it). */
  rejectedIdsByTable(): ReadonlyMap<ImportTable, ReadonlySet<number>> {
    return this.rejectedIds;
  }

  /** The gate for one table's encoder. */
  gateFor(mapping: TableMapping): RowGate & { listedRows: number } {
    const table = mapping.table;
    const setProblems = this.setProblems.get(table);
    const listed = this.alreadyListed.get(table);
    const references = PARENT_REFERENCES[table].flatMap((reference) => {
      const index = mapping.columns.findIndex((column) => column.name === reference.column);
      return index < 0 ? [] : [{ index, column: reference.column, parent: reference.parent, ids: this.rejectedIds.get(reference.parent) as Set<number> }];
    });
    const ownIds = this.rejectedIds.get(table) as Set<number>;
    const tracker = this;
    return {
      listedRows: 0,
      problemsBefore(chunk: RawChunk, row: number, id: number | null): RowProblem[] | null {
        if (id !== null && listed?.has(id)) return [LISTED];
        let problems: RowProblem[] | null = null;
        if (id !== null && setProblems !== undefined) {
          const known = setProblems.get(id);
          if (known !== undefined) problems = [...known];
        }
        for (const reference of references) {
          if (reference.ids.size === 0) continue;
          const column = chunk.columns[reference.index] as RawChunk["columns"][number];
          if (!isValid(column.validity, row)) continue;
          const parent = column.data.readInt32LE(row * 4);
          if (reference.ids.has(parent)) {
            (problems ??= []).push({ column: reference.column, reason: `its parent ${reference.parent} id ${parent} was rejected` });
          }
        }
        return problems;
      },
      rejected(chunk: RawChunk, row: number, id: number | null, problems: RowProblem[]): void {
        if (problems[0] === LISTED) {
          this.listedRows++;
          if (id !== null) ownIds.add(id);
          return;
        }
        if (id !== null) ownIds.add(id);
        tracker.counts.set(table, (tracker.counts.get(table) ?? 0) + 1);
        if (tracker.listed.length < MAX_LISTED_REJECTS) tracker.listed.push(Object.freeze({ table, id, problems: Object.freeze(problems) }));
        tracker.rejectsFile?.write({
          table,
          id,
          problems,
          row: decodeRow(loadColumns(mapping, true), chunk, row),
        });
      },
    };
  }
}
