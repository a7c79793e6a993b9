/** A command-line mistake (unknown flag, missing argument): printed with the usage text, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Exit codes of `se-letters-db`. */
export const EXIT = Object.freeze({ ok: 0, failure: 1, usage: 2 });
