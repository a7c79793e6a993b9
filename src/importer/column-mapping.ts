import type pg from "pg";
import { IMPORT_TABLES, quoteIdentifier, type ImportTable } from "./import-tables.ts";
import type { ChunkColumn } from "./duckdb-chunk-reader.ts";
import type { SourceColumn, SourceKind } from "./duckdb-source.ts";

/** How a value is written to PostgreSQL (its binary send format). */
export type TargetKind = "int4" | "float4" | "bool" | "text" | "jsonb" | "timestamp";

/** A target column as pg_catalog describes it. */
export interface TargetColumn {
  readonly name: string;
  readonly typeName: string;
  readonly notNull: boolean;
  readonly hasDefault: boolean;
}

/** One column copied from DuckDB to PostgreSQL. */
export interface MappedColumn {
  readonly name: string;
  readonly source: SourceKind;
  readonly target: TargetKind;
  readonly notNull: boolean;
}

/**
 * The columns read from DuckDB for a table: the copied ones, then, with `withIgnored`, the ignored ones as
 * DuckDB's text form (read only so that a rejected row reaches the rejects file with all its original values).
 */
export function loadColumns(mapping: TableMapping, withIgnored: boolean): ChunkColumn[] {
  const copied: ChunkColumn[] = mapping.columns.map((column) => ({ name: column.name, kind: column.source }));
  return withIgnored ? [...copied, ...mapping.ignored.map((name) => ({ name, kind: "varchar" as const, asText: true }))] : copied;
}

/** How one table is copied. */
export interface TableMapping {
  readonly table: ImportTable;
  /** Columns copied, in the source's order; `id` is always among them. */
  readonly columns: readonly MappedColumn[];
  /** Target columns the source lacks: they get their default. */
  readonly defaulted: readonly string[];
  /** Source columns dropped on purpose (`--ignore-column`). */
  readonly ignored: readonly string[];
}

const SOURCES_FOR_TARGET: Readonly<Record<TargetKind, readonly SourceKind[]>> = {
  int4: ["int4"],
  float4: ["float4"],
  bool: ["bool"],
  text: ["varchar", "json"],
  jsonb: ["json", "varchar"],
  timestamp: ["timestamp"],
};
const TARGET_KINDS = new Set<string>(Object.keys(SOURCES_FOR_TARGET));

/** Reads the target tables' columns from pg_catalog (schema of the session's search_path). */
export async function readTargetColumns(client: pg.ClientBase): Promise<Map<string, TargetColumn[]>> {
  const result = await client.query<{ table_name: string; name: string; type_name: string; not_null: boolean; has_default: boolean }>(
    `SELECT c.relname AS table_name, a.attname AS name, t.typname AS type_name, a.attnotnull AS not_null, a.atthasdef AS has_default
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_type t ON t.oid = a.atttypid
      WHERE c.oid = ANY (SELECT to_regclass(quote_ident(name)) FROM unnest($1::text[]) AS name)
        AND a.attnum > 0 AND NOT a.attisdropped
        AND a.attgenerated = ''  -- generated columns (letters.search_text) are PostgreSQL's to compute
      ORDER BY c.relname, a.attnum`,
    [IMPORT_TABLES],
  );
  const tables = new Map<string, TargetColumn[]>();
  for (const row of result.rows) {
    const columns = tables.get(row.table_name) ?? [];
    columns.push({ name: row.name, typeName: row.type_name, notNull: row.not_null, hasDefault: row.has_default });
    tables.set(row.table_name, columns);
  }
  return tables;
}

/**
 * Matches source and target columns by name. Returns the mappings and every problem found: a missing
 * table, a source column with no place in the target (unless ignored), a type that cannot be copied
 * exactly, a required target column the source lacks, an ignored column that does not exist.
 */
export function mapColumns(
  source: ReadonlyMap<string, readonly SourceColumn[]>,
  target: ReadonlyMap<string, readonly TargetColumn[]>,
  ignoreColumns: readonly string[],
): { mappings: TableMapping[]; problems: string[] } {
  const problems: string[] = [];
  const ignored = new Set(ignoreColumns);
  for (const name of ignored) {
    const [table, column, extra] = name.split(".");
    if (table === undefined || column === undefined || extra !== undefined) {
      problems.push(`--ignore-column ${JSON.stringify(name)} is not of the form table.column`);
    } else if (!source.get(table)?.some((c) => c.name === column)) {
      problems.push(`--ignore-column ${name}: the source has no such column`);
    }
  }
  const mappings: TableMapping[] = [];
  for (const table of IMPORT_TABLES) {
    const sourceColumns = source.get(table);
    const targetColumns = target.get(table);
    if (sourceColumns === undefined) problems.push(`the source has no table ${table}`);
    if (targetColumns === undefined) problems.push(`the target database has no table ${table}: run se-letters-db migrate first`);
    if (sourceColumns === undefined || targetColumns === undefined) continue;
    const targetByName = new Map(targetColumns.map((column) => [column.name, column]));
    const columns: MappedColumn[] = [];
    const ignoredHere: string[] = [];
    for (const column of sourceColumns) {
      if (ignored.has(`${table}.${column.name}`)) {
        ignoredHere.push(column.name);
        continue;
      }
      const into = targetByName.get(column.name);
      if (into === undefined) {
        problems.push(`source column ${table}.${column.name} (${column.dataType}) has no place in the target; drop it on purpose with --ignore-column ${table}.${column.name}`);
        continue;
      }
      if (!TARGET_KINDS.has(into.typeName)) {
        problems.push(`target column ${table}.${column.name} has type ${into.typeName}, which the importer does not write`);
        continue;
      }
      const targetKind = into.typeName as TargetKind;
      if (column.kind === undefined || !SOURCES_FOR_TARGET[targetKind].includes(column.kind)) {
        problems.push(`source column ${table}.${column.name} is ${column.dataType}, which cannot be copied exactly into ${into.typeName}`);
        continue;
      }
      columns.push({ name: column.name, source: column.kind, target: targetKind, notNull: into.notNull });
    }
    const copied = new Set(sourceColumns.map((column) => column.name));
    const defaulted: string[] = [];
    for (const column of targetColumns) {
      if (copied.has(column.name) && !ignored.has(`${table}.${column.name}`)) continue;
      if (column.name === "id") problems.push(`source table ${table} has no id column (ids are kept as they are and referenced by other tables)`);
      else if (column.notNull && !column.hasDefault) problems.push(`source table ${table} lacks ${column.name}, which the target requires (NOT NULL, no default)`);
      else defaulted.push(column.name);
    }
    mappings.push({ table, columns, defaulted, ignored: ignoredHere });
  }
  return { mappings, problems };
}

/** `"a", "b", …` for a column list. */
export function columnList(columns: readonly { name: string }[]): string {
  return columns.map((column) => quoteIdentifier(column.name)).join(", ");
}
