import type { ImportSummary } from "../importer/import-summary.ts";
import type { VerificationReport } from "../importer/verify-target.ts";
import { format } from "./import-progress.ts";

const OUTCOME_TEXT: Readonly<Record<ImportSummary["outcome"], string>> = {
  imported: "Imported and committed.",
  "dry-run": "Dry run: everything was read, checked, loaded and verified, then rolled back. Nothing was written.",
  "bad-rows": "Bad rows found: nothing was imported (the transaction was rolled back). Fix them, or use --on-error skip --rejects FILE.",
  "verification-failed": "Verification failed: nothing was imported (the transaction was rolled back).",
};

/** The end-of-import report: a table per table (rows read, imported, rejected, seconds, rows/s), then what happened. */
export function formatImportSummary(summary: ImportSummary): string[] {
  const lines = [
    "",
    `${"table".padEnd(24)}${"read".padStart(12)}${"imported".padStart(12)}${"rejected".padStart(10)}${"seconds".padStart(9)}${"rows/s".padStart(11)}`,
  ];
  for (const table of summary.tables) {
    lines.push(
      `${table.table.padEnd(24)}${format(table.rowsRead).padStart(12)}${format(table.imported).padStart(12)}${format(table.rejected).padStart(10)}${table.seconds.toFixed(1).padStart(9)}${format(table.rowsPerSecond).padStart(11)}`,
    );
    if (table.defaultedColumns.length > 0) lines.push(`  (not in the source, given their default: ${table.defaultedColumns.join(", ")})`);
    if (table.ignoredColumns.length > 0) lines.push(`  (ignored source columns: ${table.ignoredColumns.join(", ")})`);
  }
  const read = summary.tables.reduce((sum, table) => sum + table.rowsRead, 0);
  const imported = summary.tables.reduce((sum, table) => sum + table.imported, 0);
  lines.push(
    `${"total".padEnd(24)}${format(read).padStart(12)}${format(imported).padStart(12)}${format(summary.rejectedTotal).padStart(10)}${summary.totalSeconds.toFixed(1).padStart(9)}${format(read / Math.max(summary.totalSeconds, 0.001)).padStart(11)}`,
    "",
    `Keys, indexes and foreign keys rebuilt in ${summary.rebuildSeconds.toFixed(1)} s; settings: ${Object.entries(summary.settings).map(([name, value]) => `${name}=${value}`).join(", ")}.`,
  );
  for (const row of summary.rejectedRows.slice(0, 50)) {
    for (const problem of row.problems) lines.push(`Bad row: ${row.table} id ${row.id ?? "NULL"}, ${problem.column}: ${problem.reason}`);
  }
  if (summary.rejectedTotal > 50) lines.push(`… ${format(summary.rejectedTotal - 50)} more bad rows${summary.rejectsFile === null ? "" : ` in ${summary.rejectsFile}`}.`);
  else if (summary.rejectedTotal > 0 && summary.rejectsFile !== null) lines.push(`Rejected rows, with all their values: ${summary.rejectsFile}`);
  if (summary.verification !== null) lines.push(...formatVerification(summary.verification));
  else if (summary.outcome === "imported") lines.push("Not verified (--no-verify).");
  lines.push(OUTCOME_TEXT[summary.outcome]);
  return lines;
}

/** The verification's result: per table counts and checksums, then each difference. */
export function formatVerification(report: VerificationReport): string[] {
  const lines = report.tables.map(
    (table) =>
      `Verified ${table.table}: ${format(table.actualRows)} rows in PostgreSQL, ${format(table.expectedRows)} expected${table.rejectedRows > 0 ? ` (${format(table.rejectedRows)} rejected)` : ""}, checksum ${table.actualChecksum}${table.matches ? " matches" : ` ≠ ${table.expectedChecksum}`}`,
  );
  for (const difference of report.differences) lines.push(`Difference: ${difference}`);
  lines.push(report.ok ? `Verification passed in ${report.seconds.toFixed(1)} s: every row matches, no orphans.` : "Verification FAILED.");
  return lines;
}
