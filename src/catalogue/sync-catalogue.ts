import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { describeDatabaseTarget } from "../config/database-config.ts";
import { resolveDirectDatabaseConfig } from "../config/direct-database-config.ts";
import { openMaintenanceSession } from "../connection/maintenance-session.ts";
import { CatalogueSyncRefusedError } from "../errors.ts";
import { quoteIdentifier } from "../importer/import-tables.ts";
import { mapDatabaseError } from "../map-database-error.ts";
import { duckDbReadExpression, postgresColumnList } from "./catalogue-columns.ts";
import { openCatalogueFile, type CatalogueFile } from "./catalogue-file.ts";
import { METADATA_MARKER, type CatalogueMetadata } from "./catalogue-metadata.ts";
import { CATALOGUE_DEFAULTS } from "./catalogue-options.ts";
import { copyTextLine } from "./copy-text.ts";
import { SYNC_DEFAULTS, type CatalogueSyncOptions, type CatalogueSyncSummary } from "./sync-options.ts";

interface IdentifierCounts {
  total: number;
  nulls: number;
  duplicates: number;
  examples: string[];
}

/**
 * Copies the IBcatalogue from its DuckDB file into a PostgreSQL table of its own (`ibcatalogue_products`):
 * every column with its nearest PostgreSQL type (`jsonb` for types PostgreSQL lacks), the identifier as primary
 * key, an index on range and subrange, and trigram indexes for the search when `pg_trgm` is installed. The new
 * copy is built beside the old one and takes its name in the same transaction, so readers see the old
 * catalogue or the new one, never a mix, and a failed sync leaves the old one as it was. Syncs of one table
 * run one at a time.
 *
 * @throws {CatalogueSyncRefusedError} when the identifier column has NULLs or duplicates and `onNull` /
 *   `onDuplicate` do not say what to do; nothing is written.
 * @throws {CatalogueSourceError}, {@link CatalogueLockedError} as {@link openDuckDbCatalogue}.
 * @throws {ConfigurationError}, {@link DatabaseUnavailableError} when PostgreSQL is not configured or not reachable.
 * @throws {DirectConnectionRequiredError} when the connection goes through a pooler (PgBouncer): set
 *   `DIRECT_DATABASE_URL` (read before `DATABASE_URL`) or `databaseUrl` to the server itself.
 * @example
 * const summary = await syncCatalogue({ from: "data/IBcatalogue.duckdb", onDuplicate: "first" });
 * console.log(`${summary.rows} products in ${summary.durationMs} ms`);
 */
export async function syncCatalogue(options: CatalogueSyncOptions): Promise<CatalogueSyncSummary> {
  const started = Date.now();
  const onDuplicate = options.onDuplicate ?? SYNC_DEFAULTS.onDuplicate;
  const onNull = options.onNull ?? SYNC_DEFAULTS.onNull;
  const tableName = options.postgresTable ?? CATALOGUE_DEFAULTS.postgresTable;
  // COPY and one transaction need a session of their own: DIRECT_DATABASE_URL first, a pooler refused.
  const config = resolveDirectDatabaseConfig(options);
  const source = await openCatalogueFile({ ...options, file: options.from });
  try {
    const counts = await countIdentifiers(source);
    const refuseNulls = counts.nulls > 0 && onNull === "error";
    const refuseDuplicates = counts.duplicates > 0 && onDuplicate === "error";
    if (refuseNulls || refuseDuplicates) {
      throw new CatalogueSyncRefusedError(source.file, refuseNulls ? counts.nulls : 0, refuseDuplicates ? counts.duplicates : 0, counts.examples);
    }
    const client = await openMaintenanceSession(config, `${config.applicationName} catalogue sync`, "catalogue sync");
    try {
      const result = await replaceCopy(client, source, tableName, { onDuplicate, onNull, counts, onProgress: options.onProgress, started });
      return Object.freeze({
        source: Object.freeze({ file: source.file, table: source.table }),
        table: tableName,
        target: describeDatabaseTarget(config),
        rows: result.rows,
        skippedNullIdentifiers: onNull === "skip" ? counts.nulls : 0,
        droppedDuplicateRows: counts.total - (onNull === "skip" ? counts.nulls : 0) - result.rows,
        columns: source.columns,
        roles: source.roles,
        replacedPrevious: result.replacedPrevious,
        durationMs: Date.now() - started,
      });
    } finally {
      await client.end().catch(() => undefined);
    }
  } finally {
    source.close();
  }
}

async function countIdentifiers(source: CatalogueFile): Promise<IdentifierCounts> {
  const id = quoteIdentifier(source.roles.identifier);
  const table = quoteIdentifier(source.table);
  const reader = await source.connection.runAndReadAll(
    `SELECT count(*)::BIGINT, (count(*) - count(${id}))::BIGINT, (count(${id}) - count(DISTINCT ${id}))::BIGINT FROM ${table}`,
  );
  const [total, nulls, duplicates] = (reader.getRows()[0] ?? []).map(Number) as [number, number, number];
  let examples: string[] = [];
  if (duplicates > 0) {
    const repeated = await source.connection.runAndReadAll(`SELECT ${id} FROM ${table} WHERE ${id} IS NOT NULL GROUP BY ${id} HAVING count(*) > 1 ORDER BY ${id} LIMIT 5`);
    examples = repeated.getRows().map((row) => String(row[0]));
  }
  return { total, nulls, duplicates, examples };
}

interface ReplaceSettings {
  onDuplicate: "error" | "first" | "last";
  onNull: "error" | "skip";
  counts: IdentifierCounts;
  onProgress: CatalogueSyncOptions["onProgress"];
  started: number;
}

/** Builds the new copy under a temporary name, then drops the old one and renames, all in one transaction. */
async function replaceCopy(client: pg.Client, source: CatalogueFile, tableName: string, settings: ReplaceSettings): Promise<{ rows: number; replacedPrevious: boolean }> {
  const building = `${tableName.slice(0, 40)}_sync_${randomBytes(4).toString("hex")}`;
  const q = quoteIdentifier;
  const { roles } = source;
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`se-letters-db catalogue sync ${tableName}`]);
    await client.query(`CREATE TABLE ${q(building)} (${postgresColumnList(source.columns)})`);
    const rows = await copyRows(client, source, building, tableName, settings);
    await client.query(`ALTER TABLE ${q(building)} ADD CONSTRAINT ${q(`${building}_pkey`)} PRIMARY KEY (${q(roles.identifier)})`);
    const indexes: [string, string][] = [[`${building}_pkey`, `${tableName}_pkey`]];
    const rangeColumns = [roles.range, roles.subrange].filter((name) => name !== undefined);
    if (rangeColumns.length > 0) {
      await client.query(`CREATE INDEX ${q(`${building}_range`)} ON ${q(building)} (${rangeColumns.map(q).join(", ")})`);
      indexes.push([`${building}_range`, `${tableName}_range_idx`]);
    }
    const trigram = (await client.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).rowCount === 1;
    for (const [role, column] of trigram ? ([["identifier", roles.identifier], ["description", roles.description]] as const) : []) {
      if (column === undefined) continue;
      await client.query(`CREATE INDEX ${q(`${building}_${role}_trgm`)} ON ${q(building)} USING gin (${q(column)} gin_trgm_ops)`);
      indexes.push([`${building}_${role}_trgm`, `${tableName}_${role}_trgm_idx`]);
    }
    await client.query(`ANALYZE ${q(building)}`);
    const metadata: CatalogueMetadata = {
      [METADATA_MARKER]: 1,
      source: { file: source.file, table: source.table },
      syncedAt: new Date().toISOString(),
      rows,
      columns: source.columns,
      roles,
    };
    await client.query(`COMMENT ON TABLE ${q(building)} IS ${client.escapeLiteral(JSON.stringify(metadata))}`);
    // The swap: readers of the old copy finish first (bounded wait); later readers see the new one.
    await client.query(`SET LOCAL lock_timeout = '${SYNC_DEFAULTS.swapLockTimeout}'`);
    const replacedPrevious = (await client.query("SELECT to_regclass($1) IS NOT NULL AS found", [q(tableName)])).rows[0].found === true;
    await client.query(`DROP TABLE IF EXISTS ${q(tableName)}`);
    await client.query(`ALTER TABLE ${q(building)} RENAME TO ${q(tableName)}`);
    for (const [from, to] of indexes) await client.query(`ALTER INDEX ${q(from)} RENAME TO ${q(to)}`);
    await client.query("COMMIT");
    return { rows, replacedPrevious };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw mapDatabaseError(error);
  }
}

/** Streams the file's rows (NULL identifiers and duplicates treated as asked) into the new table with COPY. */
async function copyRows(client: pg.Client, source: CatalogueFile, building: string, tableName: string, settings: ReplaceSettings): Promise<number> {
  const id = quoteIdentifier(source.roles.identifier);
  const where = settings.onNull === "skip" ? ` WHERE ${id} IS NOT NULL` : "";
  const keep =
    settings.counts.duplicates > 0 ? ` QUALIFY row_number() OVER (PARTITION BY ${id} ORDER BY rowid${settings.onDuplicate === "last" ? " DESC" : ""}) = 1` : "";
  const result = await source.connection.stream(`SELECT ${source.columns.map(duckDbReadExpression).join(", ")} FROM ${quoteIdentifier(source.table)}${where}${keep}`);
  const totalRows = settings.counts.total - (settings.onNull === "skip" ? settings.counts.nulls : 0);
  const seconds = () => (Date.now() - settings.started) / 1000;
  let rowsRead = 0;
  async function* lines(): AsyncGenerator<string> {
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) return;
      let text = "";
      for (const cells of chunk.getRows()) text += copyTextLine(source.columns, cells);
      rowsRead += chunk.rowCount;
      settings.onProgress?.({ phase: "load", table: tableName, rowsRead, imported: rowsRead, rejected: 0, totalRows, seconds: seconds() });
      yield text;
    }
  }
  const columns = source.columns.map((column) => quoteIdentifier(column.name)).join(", ");
  await pipeline(Readable.from(lines()), client.query(copyFrom(`COPY ${quoteIdentifier(building)} (${columns}) FROM STDIN (FORMAT text)`)));
  settings.onProgress?.({ phase: "table-loaded", table: tableName, rowsRead, imported: rowsRead, rejected: 0, seconds: seconds() });
  return rowsRead;
}
