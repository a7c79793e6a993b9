import { isDatabaseError } from "../errors.ts";
import type { OffsetPageOptions } from "./offset-page.ts";

/** One finished call of a {@link LetterRepository} method that reached the database, as its observer sees it. */
export interface RepositoryCall {
  /** The repository method, e.g. `search`, `findById`, `createOrReplaceByFileHash`. */
  readonly operation: string;
  /** How long the call took, retries included, in seconds. */
  readonly durationSeconds: number;
  /** `ok`, or `error` when it threw. */
  readonly outcome: "ok" | "error";
  /** The package error code it threw (`QUERY_TIMEOUT`, …), `UNEXPECTED` for any other error; absent when `ok`. */
  readonly errorCode?: string;
}

/**
 * Told of every repository call that reached the database (input refused by validation is not one),
 * after it finished. Called synchronously: keep it cheap (count, record a histogram sample). What it
 * throws is ignored. `createRepositoryMetrics().observer` is one.
 */
export type RepositoryObserver = (call: RepositoryCall) => void;

/** Options of a {@link LetterRepository}: how deep `search()` pages, and an optional observer of its calls. */
export interface LetterRepositoryOptions extends OffsetPageOptions {
  /** Told of each call's operation, duration and outcome, for metrics. Defaults to none (nothing is timed). */
  observer?: RepositoryObserver;
}

/** Runs `call`, then tells `observer` its operation, duration and outcome; the result or error passes through. */
export async function observeCall<T>(observer: RepositoryObserver, operation: string, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const report = (outcome: "ok" | "error", errorCode?: string) => {
    try {
      observer({ operation, durationSeconds: (performance.now() - started) / 1000, outcome, ...(errorCode === undefined ? {} : { errorCode }) });
    } catch {
      // An observer's failure must not change what the repository returns.
    }
  };
  try {
    const result = await call();
    report("ok");
    return result;
  } catch (error) {
    report("error", isDatabaseError(error) ? error.code : "UNEXPECTED");
    throw error;
  }
}
