import pg from "pg";

/**
 * Runs `work` while another session, on its own connection to `url`, holds what `lockSql` locks in an
 * open transaction (a row lock, an advisory lock), as a concurrent writer would; then rolls that
 * transaction back and closes the session, whatever `work` did.
 */
export async function withLockHeld<T>(url: string, lockSql: string, values: unknown[], work: () => Promise<T>): Promise<T> {
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  try {
    await holder.query("BEGIN");
    await holder.query(lockSql, values);
    return await work();
  } finally {
    await holder.query("ROLLBACK").catch(() => undefined);
    await holder.end();
  }
}
