import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { columnList, type TableMapping } from "./column-mapping.ts";
import type { DuckDbSource } from "./duckdb-source.ts";
import { encodeSourceTable } from "./encode-source-table.ts";
import type { LoadProgress } from "./import-options.ts";
import { IMPORT_TABLES, quoteIdentifier } from "./import-tables.ts";
import { TableEncoder, type RowGate } from "./pg-binary-encoder.ts";
import type { TableChecksum } from "./row-checksum.ts";

/** A constraint or index dropped for the load and rebuilt after it, with its exact definition from pg_catalog. */
export interface DeferredStructure {
  readonly kind: "primary key or unique" | "index" | "foreign key";
  readonly name: string;
  readonly table: string;
  readonly drop: string;
  readonly create: string;
}

const TABLE_LIST = IMPORT_TABLES.map(quoteIdentifier).join(", ");

/** Locks the four tables against readers and writers until the transaction ends, so readers see old or new data. */
export async function lockTables(client: pg.ClientBase): Promise<void> {
  await client.query(`LOCK TABLE ${TABLE_LIST} IN ACCESS EXCLUSIVE MODE`);
}

/** The tables that hold at least one row. */
export async function nonEmptyTables(client: pg.ClientBase): Promise<string[]> {
  const result = await client.query<{ table_name: string }>(
    IMPORT_TABLES.map((table) => `SELECT '${table}' AS table_name WHERE EXISTS (SELECT 1 FROM ${quoteIdentifier(table)})`).join(" UNION ALL "),
  );
  return result.rows.map((row) => row.table_name);
}

/** Empties the four tables (inside the caller's transaction: a rollback restores them). */
export async function truncateTables(client: pg.ClientBase): Promise<void> {
  await client.query(`TRUNCATE ${TABLE_LIST}`);
}

/**
 * Reads the primary keys, unique constraints, secondary indexes and foreign keys of the four tables (and
 * foreign keys of other tables pointing at them) as pg_catalog defines them, in rebuild order: GIN indexes
 * first (PostgreSQL builds them in one process, leaving the other cores to the importer's checksum pass),
 * then keys, other indexes (btree builds use parallel workers), and foreign keys last (they need the keys).
 */
export async function captureDeferredStructures(client: pg.ClientBase): Promise<DeferredStructure[]> {
  const result = await client.query<{ kind: DeferredStructure["kind"]; name: string; table_name: string; definition: string; ord: number }>(
    `WITH t AS (SELECT to_regclass(quote_ident(name)) AS oid FROM unnest($1::text[]) AS name)
     SELECT CASE c.contype WHEN 'f' THEN 'foreign key' ELSE 'primary key or unique' END AS kind, c.conname AS name,
            c.conrelid::regclass::text AS table_name, pg_get_constraintdef(c.oid) AS definition,
            CASE c.contype WHEN 'f' THEN 3 ELSE 1 END AS ord
       FROM pg_constraint c
      WHERE (c.contype IN ('p', 'u') AND c.conrelid IN (SELECT oid FROM t))
         OR (c.contype = 'f' AND (c.conrelid IN (SELECT oid FROM t) OR c.confrelid IN (SELECT oid FROM t)))
     UNION ALL
     SELECT 'index', i.indexrelid::regclass::text, i.indrelid::regclass::text, pg_get_indexdef(i.indexrelid),
            CASE WHEN (SELECT amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.oid = i.indexrelid) = 'gin' THEN 0 ELSE 2 END
       FROM pg_index i
      WHERE i.indrelid IN (SELECT oid FROM t)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
     ORDER BY ord, name`,
    [IMPORT_TABLES],
  );
  return result.rows.map((row) => ({
    kind: row.kind,
    name: row.name,
    table: row.table_name,
    drop: row.kind === "index" ? `DROP INDEX ${row.name}` : `ALTER TABLE ${row.table_name} DROP CONSTRAINT ${quoteIdentifier(row.name)}`,
    create: row.kind === "index" ? row.definition : `ALTER TABLE ${row.table_name} ADD CONSTRAINT ${quoteIdentifier(row.name)} ${row.definition}`,
  }));
}

/**
 * The references (`table.column->parent`, as in PARENT_REFERENCES) whose foreign key is among `structures` and is
 * created validated: rebuilding such a key checks every row, so after the rebuild no orphan can exist.
 * A key kept `NOT VALID` is not counted.
 */
export function validatedReferences(structures: readonly DeferredStructure[]): Set<string> {
  const references = new Set<string>();
  for (const structure of structures) {
    if (structure.kind !== "foreign key" || structure.create.includes(" NOT VALID")) continue;
    const key = /FOREIGN KEY \("?([^",)]+)"?\) REFERENCES (?:[^(]+\.)?"?([^".(]+)"?\("?id"?\)/.exec(structure.create);
    if (key !== null) references.add(`${structure.table.replace(/^.*\./, "").replace(/"/g, "")}.${key[1]}->${key[2]}`);
  }
  return references;
}

/** Drops the structures (foreign keys first, then indexes, then keys). */
export async function dropStructures(client: pg.ClientBase, structures: readonly DeferredStructure[]): Promise<void> {
  for (const structure of [...structures].reverse()) await client.query(structure.drop);
}

/** Moves each table's id sequence past its largest id (or back to 1 for an empty table). */
export async function resetSequences(client: pg.ClientBase): Promise<void> {
  for (const table of IMPORT_TABLES) {
    await client.query(
      `SELECT setval(s, coalesce(m, 1), m IS NOT NULL) FROM pg_get_serial_sequence($1, 'id') AS s, (SELECT max(id) AS m FROM ${quoteIdentifier(table)}) AS x WHERE s IS NOT NULL`,
      [quoteIdentifier(table)],
    );
  }
}

/**
 * Streams one DuckDB table into PostgreSQL with binary COPY. Memory is one chunk plus one ~1 MB buffer:
 * `pipeline` waits for the socket to drain. An error on either side aborts the COPY (CopyFail), and the
 * caller's transaction rolls back.
 *
 * The COPY uses FREEZE, so the table must have been truncated in the caller's transaction: rows are
 * written already frozen and pages marked all-visible, which spares every later scan (the index rebuilds,
 * the verification, the first queries and VACUUM) a visibility check and a hint-bit write per row.
 */
export async function copyTable(
  client: pg.ClientBase,
  source: DuckDbSource,
  mapping: TableMapping,
  gate: RowGate,
  checksum: TableChecksum | null,
  onProgress: (progress: LoadProgress) => void,
): Promise<LoadProgress> {
  const started = performance.now();
  const encoder = new TableEncoder(mapping, gate, checksum);
  const progress = (): LoadProgress => ({
    table: mapping.table,
    rowsRead: encoder.rows + encoder.rejectedRows,
    imported: encoder.rows,
    rejected: encoder.rejectedRows,
    seconds: (performance.now() - started) / 1000,
  });
  const encoded = encodeSourceTable(source, mapping, encoder, true, () => onProgress(progress()));
  const copy = client.query(copyFrom(`COPY ${quoteIdentifier(mapping.table)} (${columnList(mapping.columns)}) FROM STDIN (FORMAT binary, FREEZE)`));
  await pipeline(Readable.from(encoded, { objectMode: false }), copy);
  const done = progress();
  onProgress(done);
  return done;
}
