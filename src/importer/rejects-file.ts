import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { IMPORT_TABLES, type ImportTable } from "./import-tables.ts";
import type { RowProblem } from "./pg-binary-encoder.ts";
import type { SourceValue } from "./source-values.ts";

/** One line of a rejects file. */
export interface RejectsFileLine {
  readonly table: ImportTable;
  readonly id: number | null;
  readonly problems: readonly RowProblem[];
  /** Every column of the source row (ignored ones as DuckDB's text of the value), see {@link decodeRow} for each type. */
  readonly row: Record<string, SourceValue>;
}

/** A JSON Lines file of rejected rows, one object per line, written as rows are rejected. */
export class RejectsFile {
  private readonly descriptor: number;
  lines = 0;

  /** Creates (or empties) the file. */
  constructor(readonly path: string) {
    this.descriptor = openSync(path, "w");
  }

  write(line: RejectsFileLine): void {
    writeSync(this.descriptor, `${JSON.stringify(line)}\n`);
    this.lines++;
  }

  close(): void {
    closeSync(this.descriptor);
  }
}

/** The ids listed per table in a rejects file written by an import. */
export function readRejectedIds(path: string): Map<ImportTable, Set<number>> {
  const ids = new Map<ImportTable, Set<number>>(IMPORT_TABLES.map((table) => [table, new Set<number>()]));
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const parsed = JSON.parse(line) as Partial<RejectsFileLine>;
    if (typeof parsed.id === "number" && parsed.table !== undefined) ids.get(parsed.table)?.add(parsed.id);
  }
  return ids;
}
