// Child process for the unreachable-binaries test: starts the package's embedded PostgreSQL with its data in
// argv[2], runs one query, stops it and prints {"ok":true}; an EmbeddedPostgresError is printed as
// {"error": message} with exit code 1. Anything else is left to crash, which the test would see.
import pg from "pg";
import { EmbeddedPostgresError, startEmbeddedPostgres } from "../../src/embedded/embedded-postgres-server.ts";

try {
  const server = await startEmbeddedPostgres({ dataDirectory: process.argv[2]!, database: "postgres" });
  try {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const { rows } = await client.query<{ answer: number }>("SELECT 6 * 7 AS answer");
    await client.end();
    process.stdout.write(`${JSON.stringify({ ok: rows[0]?.answer === 42 })}\n`);
  } finally {
    await server.stop();
  }
} catch (error) {
  if (!(error instanceof EmbeddedPostgresError)) throw error;
  process.stdout.write(`${JSON.stringify({ error: error.message })}\n`);
  process.exitCode = 1;
}
