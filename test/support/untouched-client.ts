import type { LetterRepositoryClient } from "../../src/letters/letter-repository.ts";

/** A client wrapped to count every use, so a test can prove that refused input never reached it. */
export interface CountedClient {
  /** The wrapped client, to hand to a `LetterRepository`. */
  readonly client: LetterRepositoryClient;
  /** How many times a property (a model, `$queryRaw`, `$transaction`, …) of the client was read. */
  readonly uses: () => number;
}

/**
 * Wraps `client` in a proxy that counts every property read: the repository reaches the database only
 * through its client's properties, so a count that stays 0 proves nothing was sent.
 */
export function countedClient(client: LetterRepositoryClient): CountedClient {
  let uses = 0;
  const proxy = new Proxy(client, {
    get(target, property) {
      uses++;
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { client: proxy, uses: () => uses };
}
