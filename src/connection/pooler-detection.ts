import type pg from "pg";

/**
 * Whether `client` reaches PostgreSQL through a connection pooler such as PgBouncer. PostgreSQL's
 * BackendKeyData at login carries the backend's process id, which equals `pg_backend_pid()`; a pooler
 * answers the login itself with a key of its own (it must route cancel requests), so the two differ.
 * A plain TCP proxy (a port mapping) passes the server's key through and is not mistaken for a pooler.
 * Costs one round trip.
 */
export async function isBehindPooler(client: pg.Client | pg.PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  const keyProcessId = (client as unknown as { processID: number | null }).processID;
  return rows[0]?.pid !== keyProcessId;
}

/** A PostgreSQL or PgBouncer login error refusing a startup parameter PgBouncer does not know. */
export function isRefusedStartupParameter(error: unknown): boolean {
  return error instanceof Error && /unsupported startup parameter/i.test(error.message);
}
