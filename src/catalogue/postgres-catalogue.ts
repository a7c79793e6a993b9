import pg from "pg";
import { CatalogueNotSyncedError } from "../errors.ts";
import { quoteIdentifier } from "../importer/import-tables.ts";
import { sqlStateOf, withMappedErrors } from "../map-database-error.ts";
import type { CatalogueRow } from "./catalogue-columns.ts";
import { checkIdentifiers, checkRangeInput, checkSearchInput, lookupResult } from "./catalogue-input.ts";
import { parseMetadata, type CatalogueMetadata } from "./catalogue-metadata.ts";
import { CATALOGUE_DEFAULTS } from "./catalogue-options.ts";
import { missingRoleError } from "./missing-role.ts";
import type { ProductCatalogue } from "./product-catalogue.ts";

/** Options of {@link openPostgresCatalogue}. */
export interface PostgresCatalogueOptions {
  /** The pool to query, e.g. `db.pool` of `connectDatabase`; its sessions must run in UTC (the package's do). It stays open. Required. */
  pool: pg.Pool;
  /** The table `se-letters-db catalogue sync` wrote. Defaults to `"ibcatalogue_products"`. */
  table?: string;
}

// Dates, times, timestamps and bytea come back as PostgreSQL's text, which is what the DuckDB source gives
// (DuckDB prints them the same way); int8 and numeric stay text (exact) as pg gives them.
const RAW_TEXT_TYPES = new Set([17, 1082, 1083, 1114, 1184, 1186, 1266]);
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    RAW_TEXT_TYPES.has(oid) ? (value: string) => value : pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
};

/** Table or column gone: a sync replaced the table with one of other columns since its description was read. */
const STALE = new Set(["42P01", "42703"]);

/**
 * The PostgreSQL copy of the IBcatalogue made by {@link syncCatalogue}: the same lookups as the file, on
 * PostgreSQL alone, so a web tier never opens (nor locks) the DuckDB file. A sync replaces the copy
 * atomically; each call sees the old catalogue or the new one, never a mix.
 *
 * @throws {CatalogueNotSyncedError} when the table does not exist or was not written by a sync.
 * @example
 * const db = await connectDatabase();
 * const catalogue = await openPostgresCatalogue({ pool: db.pool });
 * const rows = await catalogue.search({ term: "LC1D", limit: 10 });
 */
export async function openPostgresCatalogue(options: PostgresCatalogueOptions): Promise<ProductCatalogue> {
  const { pool } = options;
  const tableName = options.table ?? CATALOGUE_DEFAULTS.postgresTable;
  const table = quoteIdentifier(tableName);
  let metadata = await readMetadata(pool, tableName);

  // One query per call; only when a sync changed the table's columns meanwhile is it read again, and the query rerun.
  const rows = async (build: (meta: CatalogueMetadata) => { text: string; values: unknown[] }): Promise<CatalogueRow[]> =>
    withMappedErrors(async () => {
      try {
        return (await pool.query<CatalogueRow>({ ...build(metadata), types })).rows.map((row) => Object.freeze(row));
      } catch (error) {
        if (!STALE.has(sqlStateOf(error) ?? "")) throw error;
        metadata = await readMetadata(pool, tableName);
        return (await pool.query<CatalogueRow>({ ...build(metadata), types })).rows.map((row) => Object.freeze(row));
      }
    });

  return Object.freeze({
    source: "postgresql" as const,
    get columns() {
      return metadata.columns;
    },
    get roles() {
      return metadata.roles;
    },
    async findByIdentifiers(identifiers: readonly string[]) {
      const wanted = checkIdentifiers(identifiers);
      if (wanted.length === 0) return { items: [], missing: [] };
      const unique = [...new Set(wanted)];
      let idColumn = metadata.roles.identifier;
      const found = await rows((meta) => {
        idColumn = meta.roles.identifier;
        return { text: `SELECT * FROM ${table} WHERE ${quoteIdentifier(idColumn)} = ANY($1::text[])`, values: [unique] };
      });
      return lookupResult(wanted, new Map(found.map((row) => [row[idColumn] as string, row])));
    },
    async findByRange(input) {
      const { rangeLabel, subrangeLabel, limit } = checkRangeInput(input);
      return rows(({ roles, columns }) => {
        if (roles.range === undefined) throw missingRoleError(tableName, "range", columns);
        if (subrangeLabel !== undefined && roles.subrange === undefined) throw missingRoleError(tableName, "subrange", columns);
        const subrange = subrangeLabel === undefined ? "" : ` AND ${quoteIdentifier(roles.subrange!)} = $2`;
        return {
          text: `SELECT * FROM ${table} WHERE ${quoteIdentifier(roles.range)} = $1${subrange} ORDER BY ${quoteIdentifier(roles.identifier)} COLLATE "C" LIMIT ${limit}`,
          values: subrangeLabel === undefined ? [rangeLabel] : [rangeLabel, subrangeLabel],
        };
      });
    },
    async search(input) {
      const { prefix, contains, limit } = checkSearchInput(input);
      return rows(({ roles }) => {
        const id = quoteIdentifier(roles.identifier);
        const byDescription = roles.description === undefined ? "" : ` OR ${quoteIdentifier(roles.description)} ILIKE $2`;
        return {
          text: `SELECT * FROM ${table} WHERE ${id} ILIKE $1${byDescription} ORDER BY (${id} ILIKE $1) DESC, ${id} COLLATE "C" LIMIT ${limit}`,
          values: roles.description === undefined ? [prefix] : [prefix, contains],
        };
      });
    },
    async close() {
      // The pool is the caller's.
    },
  } satisfies ProductCatalogue);
}

/** The sync's description of the copy, from the table's comment. @throws {CatalogueNotSyncedError} */
export async function readMetadata(pool: pg.Pool | pg.Client, table: string): Promise<CatalogueMetadata> {
  const result = await withMappedErrors(() =>
    pool.query<{ found: boolean; comment: string | null }>(
      "SELECT to_regclass($1) IS NOT NULL AS found, obj_description(to_regclass($1), 'pg_class') AS comment",
      [quoteIdentifier(table)],
    ),
  );
  const row = result.rows[0];
  if (row?.found !== true) throw new CatalogueNotSyncedError(table, "the table does not exist");
  const metadata = parseMetadata(row.comment);
  if (metadata === undefined) throw new CatalogueNotSyncedError(table, "the table was not written by a catalogue sync (its comment lacks the sync's description)");
  return metadata;
}
