import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, expect, inject, onTestFinished } from "vitest";
import { connectDatabase, type ConnectOptions, type DatabaseClient } from "../../src/client/database-client.ts";
import { databaseUrlFor } from "./database-url-for.ts";

/** A database of this test file's own, cloned from the migrated template. */
export interface TestDatabase {
  /** Its connection URL: through PgBouncer (with `pgbouncer=true`) when the suite runs through it (`poolerUrl`). */
  readonly url: string;
  /** Its name. */
  readonly name: string;
  /** URL of the server's maintenance database, for creating more databases. */
  readonly adminUrl: string;
  /** Opens a client on it; the test fails if the client is still open when the test ends. */
  connect(options?: ConnectOptions): Promise<DatabaseClient>;
  /** Runs SQL on it through a short-lived connection (session in UTC); returns the last statement's rows. */
  sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** Creates another empty database (no schema) on the same server, dropped after this file. */
  createEmptyDatabase(): Promise<string>;
}

/**
 * Gives the calling test file its own database cloned from the migrated template, so files run in
 * parallel without sharing rows. When a test is over (after its fixtures are torn down) it fails the test
 * if a client it opened is still open; after the file it fails if any connection to the database is still
 * open, then drops it. `databaseTest` (database-fixtures.ts) gives tests a client and a repository on it.
 */
export function useTestDatabase(): TestDatabase {
  const adminUrl = inject("adminUrl");
  const name = `se_letters_test_${randomBytes(5).toString("hex")}`;
  const directUrl = databaseUrlFor(adminUrl, name);
  const poolerUrl = inject("poolerUrl");
  const url = poolerUrl === undefined ? directUrl : `${databaseUrlFor(poolerUrl, name)}?pgbouncer=true`;
  const open = new Set<DatabaseClient>();
  const extraDatabases: string[] = [];

  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${inject("templateDatabase")}`));
  });

  // Judged once the test is over: vitest tears fixtures down after the afterEach hooks, so an afterEach
  // would find the client of a `databaseTest` fixture (database-fixtures.ts) still open.
  beforeEach(() => {
    onTestFinished(() => {
      const leaked = open.size;
      for (const client of open) void client.close();
      open.clear();
      expect(leaked, "the test left a DatabaseClient open: call close()").toBe(0);
    });
  });

  afterAll(async () => {
    const databases = [name, ...extraDatabases];
    // A backend leaves pg_stat_activity shortly after its client disconnects: poll briefly before judging.
    // Through PgBouncer the server connections outlive the clients: its own list of clients is judged instead.
    let connections: { datname: string; count: number }[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      connections = await (poolerUrl === undefined ? admin : poolerAdmin(poolerUrl))(async (client) => {
        if (poolerUrl !== undefined) return poolerClientsOf(client, databases);
        const result = await client.query<{ datname: string; count: number }>(
          "SELECT datname, count(*)::int AS count FROM pg_stat_activity WHERE datname = ANY($1) GROUP BY datname",
          [databases],
        );
        return result.rows;
      });
      if (connections.length === 0) break;
      await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
    }
    await admin(async (client) => {
      for (const database of databases) await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    });
    expect(connections, "connections left open to the test database (a leaked pool or client)").toEqual([]);
  });

  return {
    url,
    name,
    adminUrl,
    async connect(options = {}) {
      const client = await connectDatabase({ databaseUrl: url, env: {}, ...options });
      // Through PgBouncer, a client that reached the server some other way would make the run prove nothing.
      if (poolerUrl !== undefined && options.pool === undefined) expect(client.config).toMatchObject({ pgbouncer: true, port: Number(new URL(poolerUrl).port) });
      const close = client.close;
      const tracked: DatabaseClient = Object.freeze({
        ...client,
        close: async () => {
          open.delete(tracked);
          await close();
        },
      });
      open.add(tracked);
      return tracked;
    },
    async sql(text, values) {
      const client = new pg.Client({ connectionString: directUrl, options: "-c TimeZone=UTC" });
      await client.connect();
      try {
        const result: pg.QueryResult | pg.QueryResult[] = await client.query(text, values);
        // A multi-statement text returns one result per statement: give the last one's rows.
        return (Array.isArray(result) ? (result.at(-1) as pg.QueryResult) : result).rows;
      } finally {
        await client.end();
      }
    },
    async createEmptyDatabase() {
      const extra = `se_letters_empty_${randomBytes(5).toString("hex")}`;
      await admin((client) => client.query(`CREATE DATABASE ${extra}`));
      extraDatabases.push(extra);
      return extra;
    },
  };
}

/** Runs `work` on PgBouncer's admin console (the `pgbouncer` database of the pooler at `poolerUrl`). */
function poolerAdmin(poolerUrl: string) {
  return async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: databaseUrlFor(poolerUrl, "pgbouncer") });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
}

/** PgBouncer's client connections to `databases` (`SHOW CLIENTS`), counted per database. */
async function poolerClientsOf(client: pg.Client, databases: readonly string[]): Promise<{ datname: string; count: number }[]> {
  const { rows } = await client.query<{ database: string }>("SHOW CLIENTS");
  const counts = new Map<string, number>();
  for (const row of rows) if (databases.includes(row.database)) counts.set(row.database, (counts.get(row.database) ?? 0) + 1);
  return [...counts].map(([datname, count]) => ({ datname, count }));
}
