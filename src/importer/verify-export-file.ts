import { RejectTracker } from "./bad-rows.ts";
import type { TableMapping } from "./column-mapping.ts";
import { openDuckDbSource } from "./duckdb-source.ts";
import type { ExportedTableVerification, ExportVerification } from "./export-summary.ts";
import type { ExportProgress } from "./export-options.ts";
import { PARENT_REFERENCES, quoteIdentifier, type ImportTable } from "./import-tables.ts";
import type { TableChecksum } from "./row-checksum.ts";
import { checksumSource } from "./source-checksums.ts";

/**
 * Reads a freshly written DuckDB file back (read-only) and compares it with what PostgreSQL sent: per table
 * the row count and the checksum `verify` computes (the file read and encoded as an import would send it,
 * JSON in jsonb's canonical form), and child rows whose parent is missing from the file. It is the same
 * comparison as `se-letters-db verify --from FILE`, run against the export's own snapshot.
 */
export async function verifyExportFile(
  file: string,
  mappings: readonly TableMapping[],
  sent: ReadonlyMap<ImportTable, TableChecksum>,
  options: { readonly memoryLimit: string; readonly onProgress: (progress: ExportProgress) => void },
): Promise<ExportVerification> {
  const started = performance.now();
  const source = await openDuckDbSource(file, { memoryLimit: options.memoryLimit });
  try {
    const tables: ExportedTableVerification[] = [];
    const differences: string[] = [];
    const states = await checksumSource(source, mappings, new RejectTracker(new Map(), null));
    for (const state of states) {
      const table = state.mapping.table;
      options.onProgress({ phase: "verify", table });
      const database = sent.get(table);
      const verification: ExportedTableVerification = {
        table,
        databaseRows: database?.rows ?? 0,
        fileRows: state.checksum.rows,
        databaseChecksum: database?.digest() ?? "",
        fileChecksum: state.checksum.digest(),
        matches: database !== undefined && database.rows === state.checksum.rows && database.digest() === state.checksum.digest(),
      };
      tables.push(verification);
      if (verification.databaseRows !== verification.fileRows) {
        differences.push(`${table}: ${verification.databaseRows} rows in the database's snapshot, ${verification.fileRows} in the file`);
      } else if (!verification.matches) {
        differences.push(`${table}: same row count (${verification.fileRows}) but the content differs (checksum ${verification.databaseChecksum} in the database, ${verification.fileChecksum} in the file)`);
      }
      for (const reference of PARENT_REFERENCES[table]) {
        const column = quoteIdentifier(reference.column);
        const orphans = await source.connection.runAndReadAll(
          `SELECT count(*)::INTEGER FROM ${quoteIdentifier(table)} c WHERE c.${column} IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM ${quoteIdentifier(reference.parent)} p WHERE p.id = c.${column})`,
        );
        const count = Number(orphans.getRowsJS()[0]?.[0] ?? 0);
        if (count > 0) differences.push(`${table}.${reference.column}: ${count} rows of the file refer to a missing ${reference.parent} row`);
      }
    }
    return { ok: differences.length === 0, tables, differences, seconds: (performance.now() - started) / 1000 };
  } finally {
    source.close();
  }
}
