import type { CatalogueSyncSummary } from "../catalogue/sync-options.ts";
import { format } from "./import-progress.ts";

/** The summary of a catalogue sync, a few lines for a terminal. */
export function formatCatalogueSyncSummary(summary: CatalogueSyncSummary): string[] {
  const asJson = summary.columns.filter((column) => column.postgresType === "jsonb" && column.duckDbType !== "JSON");
  const leftOut = [
    ...(summary.skippedNullIdentifiers > 0 ? [`${format(summary.skippedNullIdentifiers)} without an identifier`] : []),
    ...(summary.droppedDuplicateRows > 0 ? [`${format(summary.droppedDuplicateRows)} repeating an identifier`] : []),
  ];
  return [
    `Synced ${format(summary.rows)} products from ${summary.source.file} (table ${summary.source.table}) into ${summary.table} on ${summary.target} ` +
      `in ${(summary.durationMs / 1000).toFixed(1)} s${summary.replacedPrevious ? ", replacing the previous copy" : ""}.`,
    `Columns: ${summary.columns.length}, identifier ${summary.roles.identifier}` +
      (asJson.length > 0 ? `; as JSONB (no PostgreSQL type): ${asJson.map((column) => `${column.name} ${column.duckDbType}`).join(", ")}` : "") + ".",
    ...(leftOut.length > 0 ? [`Left out: ${leftOut.join(", ")}.`] : []),
  ];
}
