import type { RehearsalReport } from "../importer/rehearse-cut-over.ts";
import { format } from "./import-progress.ts";
import { formatImportSummary } from "./import-summary-table.ts";

/** The rehearsal's one report: steps and durations, rows per table, rejected rows, every difference, the commands. */
export function formatRehearsalReport(report: RehearsalReport): string[] {
  const lines = ["", `Rehearsal of ${report.source} on ${report.database}`, "", "Steps:"];
  for (const step of report.steps) lines.push(`  ${step.name.padEnd(10)}${step.seconds.toFixed(1).padStart(8)} s`);
  lines.push(`  ${"total".padEnd(10)}${report.totalSeconds.toFixed(1).padStart(8)} s`, "");
  lines.push(`${"table".padEnd(24)}${"source".padStart(12)}${"imported".padStart(12)}${"rejected".padStart(10)}${"exported".padStart(12)}`);
  for (const table of report.tables) {
    lines.push(`${table.table.padEnd(24)}${format(table.sourceRows).padStart(12)}${format(table.imported).padStart(12)}${format(table.rejected).padStart(10)}${format(table.exported).padStart(12)}`);
  }
  lines.push("");
  if (!report.import.committed) lines.push("The import:", ...formatImportSummary(report.import).map((line) => `  ${line}`));
  for (const row of report.rejectedRows) {
    for (const problem of row.problems) lines.push(`Import would reject: ${row.table} id ${row.id ?? "NULL"}, ${problem.column}: ${problem.reason}`);
  }
  if (report.rejectedTotal > report.rejectedRows.length) lines.push(`… ${format(report.rejectedTotal - report.rejectedRows.length)} more rejected rows.`);
  for (const difference of report.differences) lines.push(`Difference: ${difference}`);
  lines.push(
    report.exact
      ? "Round trip EXACT: every row imported, verified, exported and equal cell for cell (JSON as jsonb values)."
      : `Round trip NOT exact: ${format(report.rejectedTotal)} rows rejected, ${format(report.differences.length)} differences listed above.`,
    "",
    "Cut-over (with DATABASE_URL set to the production database):",
    ...report.commands.cutOver.map((line) => `  ${line}`),
    "",
    "The way back (export what PostgreSQL holds, every letter written since the cut-over included):",
    ...report.commands.wayBack.map((line) => `  ${line}`),
  );
  return lines;
}
