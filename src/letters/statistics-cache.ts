import { z } from "zod";
import type { LetterStatistics } from "./letter-types.ts";

/** Options of {@link LetterRepository.getStatistics}. */
export const statisticsOptionsSchema = z.strictObject({
  /** How old cached figures may be, in milliseconds. Defaults to `0`: computed on every call. */
  maxAgeMs: z.int("must be an integer").min(0, "must be at least 0").max(86_400_000, "must be at most 86400000 (a day)").default(0),
});

/** Options of {@link LetterRepository.getStatistics}, as the caller writes them. */
export type StatisticsOptions = z.input<typeof statisticsOptionsSchema>;

interface CacheEntry {
  value: LetterStatistics | undefined;
  computedAt: number;
  refreshing: Promise<LetterStatistics> | undefined;
}

// One cache per Prisma client (so per pool, per process), whichever repositories are built on it.
const caches = new WeakMap<object, CacheEntry>();

/**
 * Statistics from the cache of `owner` when they were computed at most `maxAgeMs` ago. Older ones are
 * still returned at once while a single refresh runs in the background (stale-while-revalidate), so no
 * caller waits for the full-table counts once a first value exists; only the very first call waits,
 * sharing one computation with every concurrent caller. A failed background refresh keeps the old
 * value, and the next call tries again.
 */
export async function cachedStatistics(owner: object, maxAgeMs: number, compute: () => Promise<LetterStatistics>): Promise<LetterStatistics> {
  let entry = caches.get(owner);
  if (!entry) caches.set(owner, (entry = { value: undefined, computedAt: 0, refreshing: undefined }));
  const current = entry;
  const refresh = () => {
    current.refreshing ??= compute()
      .then((value) => {
        current.value = value;
        current.computedAt = performance.now();
        return value;
      })
      .finally(() => {
        current.refreshing = undefined;
      });
    return current.refreshing;
  };
  if (current.value === undefined) return refresh();
  if (performance.now() - current.computedAt > maxAgeMs) refresh().catch(() => undefined);
  return current.value;
}
