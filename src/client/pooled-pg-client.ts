import pg from "pg";
import type { SessionSetup } from "../connection/pool-config.ts";

const READ_TIMEOUT_MESSAGE = "Query read timeout";
const NOT_QUERYABLE_MESSAGE = "Client has encountered a connection error and is not queryable";

/**
 * The `pg.Client` the pool opens: node-postgres's own, with three changes for failures.
 * - It always listens for `'error'`: a connection that breaks while checked out (server restart,
 *   terminated backend, idle-in-transaction timeout) would otherwise crash the process when no one
 *   else listens. The pool listens only while a client is idle, the driver adapter only inside a
 *   transaction; the failure still reaches the statement running on it.
 * - It remembers that error, and a later statement on it fails with node-postgres's "not queryable"
 *   error with the original as `cause`, so that the caller can be told why (e.g. SQLSTATE 25P03).
 * - A query that got no answer within `query_timeout` closes its connection. node-postgres fails such a
 *   query but keeps the connection, whose next statements would queue behind the unanswered one, and a
 *   client in a transaction is handed back to the pool without an error, so a stalled connection could
 *   serve the next caller. Closed instead, it fails its queued statements at once and the pool drops it.
 * - With `timeZoneBySet` (behind PgBouncer) it sets `TimeZone` to UTC by `SET` once connected, before the
 *   pool hands it out, instead of by the startup `options` that PgBouncer refuses.
 */
export class PooledPgClient extends pg.Client {
  #connectionError: Error | undefined;
  readonly #timeZoneBySet: boolean;

  constructor(config?: string | (pg.ClientConfig & SessionSetup)) {
    super(config);
    this.#timeZoneBySet = typeof config === "object" && config.timeZoneBySet === true;
    this.on("error", (error: Error) => {
      this.#connectionError ??= error;
    });
  }

  // node-postgres's pool connects with a callback; a promise is returned otherwise, as node-postgres does.
  override connect(callback?: (...args: any[]) => void): any {
    if (!this.#timeZoneBySet) return (super.connect as (cb?: unknown) => unknown).call(this, callback);
    const connected = super.connect().then(async () => {
      await super.query("SET TimeZone TO 'UTC'");
    });
    if (callback === undefined) return connected;
    connected.then(
      () => callback(null, this),
      (error: Error) => callback(error),
    );
    return undefined;
  }

  // The one signature stands for node-postgres's overloads: arguments and result pass through unchanged.
  override query(...args: unknown[]): any {
    const broken = this.#connectionError;
    const promiseStyle = !args.some((arg) => typeof arg === "function") && typeof (args[0] as { submit?: unknown } | undefined)?.submit !== "function";
    if (broken !== undefined && promiseStyle) return Promise.reject(new Error(NOT_QUERYABLE_MESSAGE, { cause: broken }));
    const result: unknown = (super.query as (...queryArgs: unknown[]) => unknown).apply(this, args);
    // Promise-style calls are the driver adapter's. `pool.query` passes a callback and already drops
    // a connection whose query failed.
    if (result instanceof Promise) result.then(undefined, (error: unknown) => this.#closeAfterReadTimeout(error));
    return result;
  }

  #closeAfterReadTimeout(error: unknown): void {
    if (error instanceof Error && error.message === READ_TIMEOUT_MESSAGE) {
      (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    }
  }
}
