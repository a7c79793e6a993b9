import type { ExportSummary, ExportVerification } from "../importer/export-summary.ts";
import { format } from "./import-progress.ts";

/** The end-of-export report: per table rows, seconds, rows/s and the id sequence's next value, the verification, then what happened. */
export function formatExportSummary(summary: ExportSummary): string[] {
  const lines = ["", `${"table".padEnd(24)}${"rows".padStart(12)}${"seconds".padStart(9)}${"rows/s".padStart(11)}${"next id".padStart(12)}`];
  for (const table of summary.tables) {
    lines.push(
      `${table.table.padEnd(24)}${format(table.rows).padStart(12)}${table.seconds.toFixed(1).padStart(9)}${format(table.rowsPerSecond).padStart(11)}${format(table.nextId).padStart(12)}`,
    );
    if (table.leftOutColumns.length > 0) lines.push(`  (database columns the pipeline's shape has no place for, not exported: ${table.leftOutColumns.join(", ")})`);
  }
  const rows = summary.tables.reduce((sum, table) => sum + table.rows, 0);
  lines.push(`${"total".padEnd(24)}${format(rows).padStart(12)}${summary.totalSeconds.toFixed(1).padStart(9)}${format(rows / Math.max(summary.totalSeconds, 0.001)).padStart(11)}`, "");
  lines.push(...formatExportVerification(summary.verification));
  lines.push(
    summary.outcome === "exported"
      ? `Exported from ${summary.source} (one snapshot) to ${summary.file}${summary.replaced ? ", replacing the file that was there" : ""}.`
      : `Verification failed: the temporary file was removed; nothing was written to ${summary.file}.`,
  );
  return lines;
}

/** The export's verification: per table counts and checksums of the database's snapshot and of the file, then each difference. */
export function formatExportVerification(verification: ExportVerification): string[] {
  const lines = verification.tables.map(
    (table) =>
      `Verified ${table.table}: ${format(table.fileRows)} rows in the file, ${format(table.databaseRows)} in the snapshot, checksum ${table.fileChecksum}${table.matches ? " matches" : ` ≠ ${table.databaseChecksum}`}`,
  );
  for (const difference of verification.differences) lines.push(`Difference: ${difference}`);
  lines.push(verification.ok ? `File verified in ${verification.seconds.toFixed(1)} s: every row matches, no orphans.` : "File verification FAILED.");
  return lines;
}
