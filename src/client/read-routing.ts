import { AsyncLocalStorage } from "node:async_hooks";

/** Where the statements of the current asynchronous context may go. */
type ReadRoute = "replica" | "primary";

const routes = new AsyncLocalStorage<ReadRoute>();

/**
 * Runs `work` with every statement it sends on the primary, even the repository's reads: read-your-writes
 * for one call or for a scope (the rest of a request after a write). Nested inside {@link preferReplica}
 * or the other way round, the primary wins. `DatabaseClient.primaryScope` is this function.
 *
 * @example
 * await letters.setStatus(id, "processed");
 * const page = await db.primaryScope(() => letters.search({ status: "processed" })); // sees the update
 */
export function onPrimary<T>(work: () => T): T {
  return routes.run("primary", work);
}

/**
 * Runs `work`, a read, allowing its statements outside transactions to go to a read replica of a client
 * made with `replicas`. The repository wraps its reads in it; inside {@link onPrimary} it changes nothing.
 */
export function preferReplica<T>(work: () => T): T {
  return routes.getStore() === "primary" ? work() : routes.run("replica", work);
}

/** Whether the current asynchronous context allows a replica: inside {@link preferReplica} and not inside {@link onPrimary}. */
export function replicaAllowed(): boolean {
  return routes.getStore() === "replica";
}
