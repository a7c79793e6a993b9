import pg from "pg";
import { replicaAllowed } from "./read-routing.ts";
import type { ReplicaSet } from "./replica-set.ts";

/**
 * The primary's `pg.Pool`, which sends a read to a replica: a statement sent by `query()` (the Prisma
 * adapter's path for every statement outside a transaction) inside `preferReplica` goes to a replica
 * that qualifies, when there is one. `connect()`, the path of transactions, stays on the primary, so
 * every statement of a transaction does too. A replica's failure that the primary could serve sets the
 * replica aside and sends the statement to the primary.
 */
export class RoutingPool extends pg.Pool {
  #replicas: ReplicaSet | undefined;

  /** Starts routing reads to `replicas`. */
  routeReadsTo(replicas: ReplicaSet): void {
    this.#replicas = replicas;
  }

  // The one signature stands for node-postgres's overloads: arguments and result pass through unchanged.
  override query(...args: unknown[]): any {
    const primaryQuery = () => (super.query as (...queryArgs: unknown[]) => unknown).apply(this, args);
    const replicas = this.#replicas;
    if (replicas === undefined || !replicaAllowed() || args.some((arg) => typeof arg === "function")) return primaryQuery();
    const member = replicas.pick();
    if (member === undefined) {
      replicas.countRead(undefined);
      return primaryQuery();
    }
    return (member.pool.query as (...queryArgs: unknown[]) => Promise<unknown>).apply(member.pool, args).then(
      (result) => {
        replicas.countRead(member);
        return result;
      },
      (error: unknown) => {
        if (!primaryCouldServe(error)) throw error;
        replicas.markFailed(member, error);
        replicas.countRead(undefined);
        return primaryQuery();
      },
    );
  }
}

/**
 * Whether a replica's failure is the replica's own, so that the primary could answer the statement: no
 * SQLSTATE (refused, reset, timed out waiting for a connection or an answer), a connection failure
 * (class 08), an administrator or crash shutdown or a server still starting (57P01–57P03), too many
 * connections (53), or a cancel caused by recovery (40001 on a standby). A statement the primary would
 * refuse just the same (a syntax error, its statement timeout) is not retried there.
 */
export function primaryCouldServe(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // Node's own codes (ECONNREFUSED, EPIPE) start with E; no SQLSTATE class does.
  if (typeof code !== "string" || !/^[0-9A-DF-Z][0-9A-Z]{4}$/.test(code)) return true;
  return code.startsWith("08") || code.startsWith("53") || /^57P0[1-3]$/.test(code) || code === "40001";
}
