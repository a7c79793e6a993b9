import { migrate } from "../../src/migrate/migrate.ts";
import { createDatabase, databaseExists, dropDatabase, secondaryIndexes, urlFor, withClient } from "./bench-database.ts";
import { DATASET_VERSION, NO_MATCH_TERM, generateDataSql } from "./dataset-sql.ts";
import { SEEDS_INDEXES_SQL, SEEDS_TABLES_SQL } from "./seeds-schema.ts";

/** Which schema a bench database carries. */
export type Setup = "ours" | "seeds";

export interface BenchDatabase {
  setup: Setup;
  name: string;
  url: string;
  /** Seconds the load took, when it ran in this process; `null` when an existing database was reused. */
  loadSeconds: number | null;
}

/** `bench_search_<setup>_v<version>_<letters>`: a database per schema, data-set version and size. */
export function benchDatabaseName(setup: Setup, letters: number): string {
  return `bench_search_${setup}_v${DATASET_VERSION}_${letters}`;
}

const READY_TABLE = "bench_dataset_ready";

/**
 * Gives a loaded database of `setup` with `letters` letters: reuses one a previous run completed (for
 * ours, applying any newer migration to it), otherwise creates it, loads the data with the secondary
 * indexes dropped, rebuilds them, and runs VACUUM ANALYZE so that GIN pending lists are empty and the
 * planner has statistics.
 */
export async function prepareDatabase(
  adminUrl: string,
  setup: Setup,
  letters: number,
  options: { rebuild: boolean; log: (line: string) => void },
): Promise<BenchDatabase> {
  const name = benchDatabaseName(setup, letters);
  const url = urlFor(adminUrl, name);
  if (!options.rebuild && (await databaseExists(adminUrl, name))) {
    const ready = await withClient(url, async (client) => (await client.query(`SELECT to_regclass('${READY_TABLE}') IS NOT NULL AS ok`)).rows[0].ok);
    if (ready) {
      if (setup === "ours") {
        const result = await migrate({ databaseUrl: url, env: {} });
        if (result.applied.length > 0) {
          options.log(`${name}: applied ${result.applied.join(", ")}; VACUUM ANALYZE`);
          await withClient(url, (client) => client.query("VACUUM ANALYZE"));
        }
      }
      options.log(`${name}: reusing the loaded data set`);
      return { setup, name, url, loadSeconds: null };
    }
  }
  await dropDatabase(adminUrl, name);
  await createDatabase(adminUrl, name);
  const started = performance.now();
  if (setup === "ours") {
    await migrate({ databaseUrl: url, env: {} });
  } else {
    await withClient(url, (client) => client.query(SEEDS_TABLES_SQL + SEEDS_INDEXES_SQL));
  }
  await withClient(url, async (client) => {
    const indexes = await secondaryIndexes(client);
    for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
    let step = performance.now();
    await client.query(generateDataSql(letters));
    options.log(`${name}: rows generated in ${((performance.now() - step) / 1000).toFixed(1)} s`);
    step = performance.now();
    await client.query("SET maintenance_work_mem = '512MB'");
    for (const index of indexes) await client.query(index.definition);
    options.log(`${name}: ${indexes.length} secondary indexes built in ${((performance.now() - step) / 1000).toFixed(1)} s`);
    step = performance.now();
    await client.query("VACUUM ANALYZE");
    options.log(`${name}: VACUUM ANALYZE in ${((performance.now() - step) / 1000).toFixed(1)} s`);
    const pattern = `%${NO_MATCH_TERM}%`;
    const hits = await client.query("SELECT count(*)::int AS n FROM letters WHERE document_name ILIKE $1 OR document_title ILIKE $1 OR source_file_path ILIKE $1", [pattern]);
    if (hits.rows[0].n !== 0) throw new Error(`the no-match term ${NO_MATCH_TERM} matches ${hits.rows[0].n} letters`);
    await client.query(`CREATE TABLE ${READY_TABLE} (version int, letters int, loaded_at timestamptz DEFAULT now())`);
    await client.query(`INSERT INTO ${READY_TABLE} (version, letters) VALUES ($1, $2)`, [DATASET_VERSION, letters]);
  });
  const loadSeconds = (performance.now() - started) / 1000;
  options.log(`${name}: loaded in ${loadSeconds.toFixed(1)} s`);
  return { setup, name, url, loadSeconds };
}
