import type { ImportProgress } from "../importer/import-options.ts";

const BAR_WIDTH = 24;
const PLAIN_INTERVAL_SECONDS = 5;

/** Where progress goes: a terminal `columns` wide, redrawn in place; or plain lines (a file, a pipe, CI). */
export type ProgressOutput = { readonly isTerminal: true; readonly columns: number } | { readonly isTerminal: false };

/**
 * Renders import progress. On a terminal: one bar per table redrawn in place (rows, percentage, rows/s),
 * each line cut to the terminal's width, since a line that wraps breaks the redraw. Otherwise: plain lines,
 * one every few seconds per table and one when it is done.
 */
export function progressPrinter(write: (text: string) => void, output: ProgressOutput): (progress: ImportProgress) => void {
  // A line as wide as the terminal wraps on some terminals: keep the last column free.
  const width = output.isTerminal ? Math.max(10, output.columns - 1) : 0;
  const redraw = (line: string, done = false): void => write(`\r${cutToWidth(line, width)}\u001b[K${done ? "\n" : ""}`);
  let lastPlain = 0;
  return (progress) => {
    switch (progress.phase) {
      case "load": {
        const rate = progress.seconds > 0 ? Math.round(progress.rowsRead / progress.seconds) : 0;
        const share = progress.totalRows > 0 ? Math.min(1, progress.rowsRead / progress.totalRows) : 1;
        if (output.isTerminal) {
          const filled = Math.round(share * BAR_WIDTH);
          const percent = Math.round(share * 100).toString().padStart(3);
          redraw(
            `${progress.table.padEnd(23)} ${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)} ${format(progress.rowsRead)}/${format(progress.totalRows)} rows ${percent}%  ${format(rate)} rows/s`,
          );
        } else if (progress.seconds - lastPlain >= PLAIN_INTERVAL_SECONDS) {
          lastPlain = progress.seconds;
          write(`${progress.table}: ${format(progress.rowsRead)} of ${format(progress.totalRows)} rows, ${format(rate)} rows/s\n`);
        }
        return;
      }
      case "table-loaded": {
        lastPlain = 0;
        const rate = progress.seconds > 0 ? Math.round(progress.rowsRead / progress.seconds) : 0;
        const line = `${progress.table}: ${format(progress.imported)} rows loaded${progress.rejected > 0 ? `, ${format(progress.rejected)} rejected` : ""} in ${progress.seconds.toFixed(1)} s (${format(rate)} rows/s)`;
        if (output.isTerminal) redraw(line, true);
        else write(`${line}\n`);
        return;
      }
      case "rebuild":
        if (output.isTerminal) redraw(`Rebuilding keys, indexes and foreign keys: ${progress.done + 1}/${progress.total} ${progress.name}`);
        else if (progress.done === 0) write(`Rebuilding ${progress.total} keys, indexes and foreign keys\n`);
        return;
      case "verify":
        if (output.isTerminal) redraw(`Verifying ${progress.table}`);
        else write(`Verifying ${progress.table}\n`);
        return;
    }
  };
}

/**
 * The progress printer of a command: on a terminal (stderr), redrawn in place at its width; otherwise plain
 * lines through `err`.
 */
export function stderrProgressPrinter(err: (line: string) => void): (progress: ImportProgress) => void {
  const terminal = process.stderr.isTTY === true;
  const output: ProgressOutput = terminal ? { isTerminal: true, columns: process.stderr.columns ?? 80 } : { isTerminal: false };
  return progressPrinter((text) => (terminal ? process.stderr.write(text) : err(text.replace(/\n$/, ""))), output);
}

/** The line, cut with an ellipsis when it is longer than `width` characters. */
function cutToWidth(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}

/** A count with thousands separators. */
export function format(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}
