import type { CatalogueColumn } from "./catalogue-columns.ts";

const ESCAPES: Readonly<Record<string, string>> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * One row, read with {@link duckDbReadExpression}, as a line of PostgreSQL's COPY text format: booleans
 * `t`/`f`, numbers in JavaScript's shortest exact form (`NaN`, `Infinity` as PostgreSQL spells them), text
 * (and JSON text) with backslash, newline, carriage return and tab escaped, `\N` for NULL.
 */
export function copyTextLine(columns: readonly CatalogueColumn[], cells: readonly unknown[]): string {
  let line = "";
  for (let index = 0; index < columns.length; index++) {
    const cell = cells[index];
    if (index > 0) line += "\t";
    if (cell === null || cell === undefined) line += "\\N";
    else if (typeof cell === "boolean") line += cell ? "t" : "f";
    else if (typeof cell === "number") line += Number.isNaN(cell) ? "NaN" : String(cell);
    else line += String(cell).replace(/[\\\n\r\t]/g, (character) => ESCAPES[character]!);
  }
  return `${line}\n`;
}
