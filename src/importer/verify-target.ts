import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { columnList, type TableMapping } from "./column-mapping.ts";
import { forEachCopyRow } from "./pg-copy-rows.ts";
import { IMPORT_TABLES, PARENT_REFERENCES, quoteIdentifier, type ImportTable } from "./import-tables.ts";
import { TableChecksum } from "./row-checksum.ts";

/** The comparison of one table. */
export interface TableVerification {
  readonly table: ImportTable;
  /** Source rows that should be in PostgreSQL (read minus rejected). */
  readonly expectedRows: number;
  /** Rows in PostgreSQL. */
  readonly actualRows: number;
  /** Source rows left out because they were rejected (and listed). */
  readonly rejectedRows: number;
  readonly expectedChecksum: string;
  readonly actualChecksum: string;
  readonly matches: boolean;
}

/** Child rows in PostgreSQL whose parent does not exist. */
export interface OrphanCount {
  readonly table: ImportTable;
  readonly column: string;
  readonly parent: ImportTable;
  readonly rows: number;
  /**
   * How the count was established: `"query"` counted the rows; `"foreign key"` means the import validated
   * this reference's foreign key (`ALTER TABLE … ADD CONSTRAINT`, which checks every row) in the same
   * transaction, so no orphan can exist and the scan was not repeated.
   */
  readonly checkedBy: "query" | "foreign key";
}

/** The result of comparing DuckDB with PostgreSQL. */
export interface VerificationReport {
  /** True when every table matches and no foreign key has orphans. */
  readonly ok: boolean;
  readonly tables: readonly TableVerification[];
  readonly orphans: readonly OrphanCount[];
  /** Every difference, one sentence each (empty when `ok`). */
  readonly differences: readonly string[];
  readonly seconds: number;
}

/**
 * Reads a table's copied columns back from PostgreSQL with binary `COPY … TO STDOUT` and checksums them
 * exactly as the source side was checksummed.
 */
export async function checksumTargetTable(client: pg.ClientBase, mapping: TableMapping): Promise<TableChecksum> {
  const checksum = new TableChecksum();
  // The table form (not `COPY (SELECT …)`) scans the heap directly, without the executor: ~10% faster.
  const stream = client.query(copyTo(`COPY ${quoteIdentifier(mapping.table)} (${columnList(mapping.columns)}) TO STDOUT (FORMAT binary)`));
  await forEachCopyRow(stream as AsyncIterable<Buffer>, (row) => {
    checksum.beginRow();
    for (let field = 0; field < row.fields; field++) {
      const start = row.starts[field]!;
      if (start === -1) checksum.nullField();
      else checksum.field(row.buffer, start, row.ends[field]!);
    }
    checksum.endRow();
  });
  return checksum;
}

/**
 * Counts child rows whose parent row is missing, for every reference of the schema. `validatedKeys` names
 * (`table.column->parent`) the references whose foreign key the caller created, and so checked, in this transaction.
 */
export async function countOrphans(client: pg.ClientBase, validatedKeys: ReadonlySet<string> = new Set()): Promise<OrphanCount[]> {
  const orphans: OrphanCount[] = [];
  for (const table of IMPORT_TABLES) {
    for (const reference of PARENT_REFERENCES[table]) {
      if (validatedKeys.has(`${table}.${reference.column}->${reference.parent}`)) {
        orphans.push({ table, column: reference.column, parent: reference.parent, rows: 0, checkedBy: "foreign key" });
        continue;
      }
      const column = quoteIdentifier(reference.column);
      const result = await client.query<{ rows: number }>(
        `SELECT count(*)::int AS rows FROM ${quoteIdentifier(table)} c
          WHERE c.${column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${quoteIdentifier(reference.parent)} p WHERE p.id = c.${column})`,
      );
      orphans.push({ table, column: reference.column, parent: reference.parent, rows: result.rows[0]?.rows ?? 0, checkedBy: "query" });
    }
  }
  return orphans;
}

/** The source side of one table: what was read and left out, and the checksum of the rest. */
export interface SourceTableState {
  readonly mapping: TableMapping;
  readonly checksum: TableChecksum;
  readonly rejectedRows: number;
}

/**
 * Compares the source side with what PostgreSQL holds now (in the caller's transaction, if any).
 * `validatedKeys`: see {@link countOrphans}.
 */
export async function verifyAgainstTarget(
  client: pg.ClientBase,
  sources: readonly SourceTableState[],
  validatedKeys: ReadonlySet<string> = new Set(),
): Promise<VerificationReport> {
  const started = performance.now();
  const tables: TableVerification[] = [];
  const differences: string[] = [];
  for (const source of sources) {
    const target = await checksumTargetTable(client, source.mapping);
    const verification: TableVerification = {
      table: source.mapping.table,
      expectedRows: source.checksum.rows,
      actualRows: target.rows,
      rejectedRows: source.rejectedRows,
      expectedChecksum: source.checksum.digest(),
      actualChecksum: target.digest(),
      matches: source.checksum.rows === target.rows && source.checksum.digest() === target.digest(),
    };
    tables.push(verification);
    if (verification.expectedRows !== verification.actualRows) {
      differences.push(`${verification.table}: ${verification.expectedRows} rows expected from the source, ${verification.actualRows} in PostgreSQL`);
    } else if (!verification.matches) {
      differences.push(`${verification.table}: same row count (${verification.actualRows}) but the content differs (checksum ${verification.expectedChecksum} in the source, ${verification.actualChecksum} in PostgreSQL)`);
    }
  }
  const orphans = await countOrphans(client, validatedKeys);
  for (const orphan of orphans) {
    if (orphan.rows > 0) differences.push(`${orphan.table}.${orphan.column}: ${orphan.rows} rows refer to a missing ${orphan.parent} row`);
  }
  return { ok: differences.length === 0, tables, orphans, differences, seconds: (performance.now() - started) / 1000 };
}
