/** The commands of the real cut-over and of the way back, as a rehearsal prints them. */
export interface CutOverCommands {
  readonly cutOver: readonly string[];
  readonly wayBack: readonly string[];
}

/** `text` quoted for a POSIX shell when it needs it. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The exact commands for the production cut-over from `file` and for the way back to it, with
 * `DATABASE_URL` (or the `DB_*` variables) set to the production database in the operator's shell, never
 * written out. With `withRejects`, the import skips and lists the rows PostgreSQL cannot hold (the rehearsal
 * found some) and verify accounts for them.
 */
export function cutOverCommands(file: string, withRejects: boolean): CutOverCommands {
  const source = shellQuote(file);
  const rejects = shellQuote(`${file}.rejects.jsonl`);
  const back = shellQuote(`${file}.from-postgres.duckdb`);
  const importFlags = withRejects ? ` --on-error skip --rejects ${rejects}` : "";
  return {
    cutOver: [
      "# 0. Stop the pipeline and the web app (nothing may write the DuckDB file); export DATABASE_URL=postgresql://… of production",
      `cp ${source} ${shellQuote(`${file}.pre-cutover`)}   # the DuckDB backup, kept until the cut-over is signed off`,
      "npx se-letters-db migrate",
      `npx se-letters-db import --from ${source}${importFlags}`,
      `npx se-letters-db verify --from ${source}${withRejects ? ` --rejects ${rejects}` : ""}`,
      "# Point the pipeline and the web app at PostgreSQL (DATABASE_URL) and start them",
    ],
    wayBack: [
      "# 0. Stop the pipeline and the web app: the export reads one snapshot, and letters written after it would not be in the file",
      `npx se-letters-db export --to ${back}`,
      `npx se-letters-db verify --from ${back}`,
      `mv ${source} ${shellQuote(`${file}.before-rollback`)} && mv ${back} ${source}`,
      "# Point the pipeline back at the DuckDB file and start it; PostgreSQL stays as it was for a later attempt",
    ],
  };
}
