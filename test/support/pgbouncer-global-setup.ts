import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrate } from "../../src/migrate/migrate.ts";
import { databaseUrlFor } from "./database-url-for.ts";
import { startOwnPostgresCluster } from "./own-postgres-cluster.ts";
import { startPgBouncer } from "./pgbouncer.ts";

/** Server connections PgBouncer keeps per database: the repository's suite runs on these. */
const SERVER_CONNECTIONS = 20;

/**
 * The global setup of the integration suite through PgBouncer (`npm run test:scale`): a PostgreSQL 15
 * cluster of the run's own, PgBouncer in transaction mode in front of it (pool of 20), and the migrated
 * template, created and migrated over the direct URL (migrations refuse a pooler). Test files clone the
 * template as usual (`useTestDatabase`), and their clients connect through PgBouncer (`poolerUrl`).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const password = randomBytes(12).toString("hex");
  const server = await startOwnPostgresCluster({ password, settings: () => ({ max_connections: "200" }) });
  const adminUrl = `postgresql://postgres:${password}@localhost:${server.port}/postgres`;
  const bouncer = await startPgBouncer({ serverPort: server.port, user: "postgres", password, poolSize: SERVER_CONNECTIONS });
  const templateDatabase = `se_letters_tpl_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${templateDatabase}`).finally(() => admin.end());
  await migrate({ databaseUrl: databaseUrlFor(adminUrl, templateDatabase), env: {} });
  console.log(`Integration tests through PgBouncer (transaction mode, ${SERVER_CONNECTIONS} server connections) on PostgreSQL 15 at port ${server.port}`);

  project.provide("adminUrl", adminUrl);
  project.provide("templateDatabase", templateDatabase);
  project.provide("poolerUrl", bouncer.url("postgres"));
  return async () => {
    await bouncer.stop();
    await server.destroy();
  };
}
