/**
 * Lays rows out as aligned columns under a header: text columns left-aligned, columns named in `right`
 * (numbers) right-aligned, two spaces between columns.
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (right.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** A share as a percentage with one decimal, or `-` when unknown. */
export function formatPercent(share: number | null): string {
  return share === null ? "-" : `${(share * 100).toFixed(1)}%`;
}

/** A duration in seconds, one decimal under a minute, then whole minutes and hours. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return "-";
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}
