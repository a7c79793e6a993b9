import pg from "pg";

/** A URL with its database replaced, for the bench's own databases on the same server. */
export function urlFor(baseUrl: string, database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** `user@host:port/db`: never the password. */
export function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${decodeURIComponent(parsed.username || "postgres")}@${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
}

/** Traffic goes to this machine only. */
export function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
    throw new Error(`BENCH_DATABASE_URL must point at 127.0.0.1 (got ${describeUrl(url)})`);
  }
}

/** Runs `work` on a fresh client (session in UTC), then closes it. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, options: "-c TimeZone=UTC", application_name: "se-letters-bench-admin" });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  return withClient(adminUrl, async (client) => (await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1);
}

/** Names are the bench's own constants (`bench_…`), never input. */
export function assertBenchName(name: string): void {
  if (!/^bench_[a-z0-9_]+$/.test(name)) throw new Error(`not a bench database name: ${name}`);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  assertBenchName(name);
  await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export async function createDatabase(adminUrl: string, name: string): Promise<void> {
  assertBenchName(name);
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
}

/** The secondary indexes of the data tables (not those behind constraints), as `CREATE INDEX` statements. */
export async function secondaryIndexes(client: pg.Client): Promise<{ name: string; definition: string }[]> {
  const result = await client.query<{ name: string; definition: string }>(`
    SELECT i.indexname AS name, i.indexdef AS definition
    FROM pg_indexes i
    WHERE i.schemaname = 'public'
      AND i.tablename IN ('letters', 'letter_products', 'letter_product_matches', 'processing_debug')
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
    ORDER BY i.tablename, i.indexname`);
  return result.rows;
}
