import type { ImportProgress } from "./import-options.ts";

const BAR_WIDTH = 24;
const PLAIN_INTERVAL_SECONDS = 5;

/**
 * Renders import progress: on a terminal one bar per table redrawn in place (rows, percentage, rows/s);
 * otherwise plain lines, one every few seconds per table and one when it is done.
 */
export function progressPrinter(write: (text: string) => void, isTerminal: boolean): (progress: ImportProgress) => void {
  let lastPlain = 0;
  return (progress) => {
    switch (progress.phase) {
      case "load": {
        const rate = progress.seconds > 0 ? Math.round(progress.rowsRead / progress.seconds) : 0;
        const share = progress.totalRows > 0 ? Math.min(1, progress.rowsRead / progress.totalRows) : 1;
        if (isTerminal) {
          const filled = Math.round(share * BAR_WIDTH);
          write(
            `\r${progress.table.padEnd(23)} ${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)} ${format(progress.rowsRead)}/${format(progress.totalRows)} rows ${Math.round(share * 100)
              .toString()
              .padStart(3)}%  ${format(rate)} rows/s\u001b[K`,
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
        write(isTerminal ? `\r${line}\u001b[K\n` : `${line}\n`);
        return;
      }
      case "rebuild":
        if (isTerminal) write(`\rRebuilding keys, indexes and foreign keys: ${progress.done + 1}/${progress.total} ${progress.name}\u001b[K`);
        else if (progress.done === 0) write(`Rebuilding ${progress.total} keys, indexes and foreign keys\n`);
        return;
      case "verify":
        if (isTerminal) write(`\rVerifying ${progress.table}\u001b[K`);
        else write(`Verifying ${progress.table}\n`);
        return;
    }
  };
}

/** A count with thousands separators. */
export function format(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}
