import { TransactionConflictError, WriteOutcomeUnknownError } from "../errors.ts";
import { connectionFailureOf, mapDatabaseError } from "../map-database-error.ts";

/**
 * How many times the repository tries a transaction of its own that PostgreSQL aborted with a deadlock
 * (40P01) or a serialization failure (40001) before giving up with {@link TransactionConflictError}.
 */
export const TRANSACTION_ATTEMPTS = 4;

/**
 * Runs an idempotent read, retrying it once, on a fresh connection, when its connection was lost or could
 * not be opened (reset, broken pipe, terminated backend, server restarting, SQLSTATE class 08). A timeout
 * (the pool wait or the client's bound) is not retried: that would double the time the caller waits.
 * Errors come out mapped.
 */
export async function readWithRetry<T>(work: () => Promise<T>, retry: boolean): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const failure = connectionFailureOf(error);
    if (!retry || (failure !== "lost" && failure !== "not-sent")) throw mapDatabaseError(error);
  }
  try {
    return await work();
  } catch (error) {
    throw mapDatabaseError(error);
  }
}

/**
 * Runs a write of one statement, never retried. When the connection broke (or the client timed out)
 * after the statement may have reached the server, it fails with {@link WriteOutcomeUnknownError};
 * when the statement cannot have been sent, with the mapped error (`DatabaseUnavailableError`).
 */
export async function writeOnce<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw outcomeUnknownOr(operation, error, true);
  }
}

/**
 * Runs a transaction the repository owns (`run` opens it, calls `body` in it, commits). A deadlock or
 * serialization failure reruns the whole transaction, up to {@link TRANSACTION_ATTEMPTS} times in all,
 * then fails with {@link TransactionConflictError}. A lost connection fails with
 * {@link WriteOutcomeUnknownError} only when it broke after `body` had finished, that is while the commit
 * was being sent or acknowledged; before that PostgreSQL rolled the transaction back, and the mapped
 * error (`DatabaseUnavailableError`) says so. Inside a caller's transaction pass `attempts` 1: a failed
 * statement there aborts the caller's whole transaction, which only the caller can rerun.
 */
export async function transactionWithRetry<T, Tx>(
  operation: string,
  run: (body: (tx: Tx) => Promise<T>) => Promise<T>,
  body: (tx: Tx) => Promise<T>,
  attempts: number,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let bodyFinished = false;
    try {
      return await run(async (tx) => {
        const result = await body(tx);
        bodyFinished = true;
        return result;
      });
    } catch (error) {
      const mapped = outcomeUnknownOr(operation, error, bodyFinished);
      if (mapped instanceof TransactionConflictError) {
        if (attempt < attempts) continue;
        throw new TransactionConflictError(mapped.sqlState, attempt, { cause: error });
      }
      throw mapped;
    }
  }
}

function outcomeUnknownOr(operation: string, error: unknown, maybeApplied: boolean): unknown {
  const failure = connectionFailureOf(error);
  if (maybeApplied && (failure === "lost" || failure === "client-timeout")) {
    return new WriteOutcomeUnknownError(operation, { cause: mapDatabaseError(error) });
  }
  return mapDatabaseError(error);
}
