import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrate } from "../../src/migrate/migrate.ts";
import { databaseUrlFor } from "./database-url-for.ts";
import { provideTestPostgresServer } from "./postgres-server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the maintenance database of the test server. */
    adminUrl: string;
    /** Name of the migrated template database each test file clones. */
    templateDatabase: string;
    /** When the suite runs through PgBouncer (pgbouncer-global-setup.ts): its URL, clients connect there. */
    poolerUrl?: string;
  }
}

/**
 * Starts (or takes) the test PostgreSQL server once, migrates a template database with the real
 * migrations, and hands both to the test files, which clone the template (`CREATE DATABASE … TEMPLATE`).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await provideTestPostgresServer();
  const templateDatabase = `se_letters_tpl_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    const version = await admin.query<{ server_version: string }>("SHOW server_version");
    console.log(`Integration tests on ${server.description}, PostgreSQL ${version.rows[0]?.server_version}`);
    await admin.query(`CREATE DATABASE ${templateDatabase}`);
  } finally {
    await admin.end();
  }
  await migrate({ databaseUrl: databaseUrlFor(server.adminUrl, templateDatabase), env: {} });

  project.provide("adminUrl", server.adminUrl);
  project.provide("templateDatabase", templateDatabase);

  return async () => {
    const cleanup = new pg.Client({ connectionString: server.adminUrl });
    await cleanup.connect();
    try {
      await cleanup.query(`DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`);
    } finally {
      await cleanup.end();
    }
    await server.stop();
  };
}
