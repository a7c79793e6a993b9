import { ValidationError } from "../errors.ts";
import type { RepositoryCall, RepositoryObserver } from "../letters/repository-observer.ts";
import type { HistogramSeries, MetricSample } from "./prometheus-text.ts";

/** Default upper bounds of the repository's latency histogram, in seconds (1 ms to 10 s). */
export const DEFAULT_LATENCY_BUCKETS: readonly number[] = Object.freeze([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

/** Call counts and latency histograms of the repositories given its `observer`, for `renderDatabaseMetrics`. */
export interface RepositoryMetrics {
  /** Give it to `new LetterRepository(prisma, { observer })`; one collector may serve several repositories. */
  readonly observer: RepositoryObserver;
  /** Calls so far, by operation and outcome (`ok`/`error`). */
  calls(): MetricSample[];
  /** Latency histograms so far, by operation. */
  durations(): HistogramSeries[];
}

interface OperationFigures {
  readonly outcomes: Map<string, number>;
  readonly bucketCounts: number[];
  sum: number;
  count: number;
}

/**
 * Creates a collector of the repository's call counts and latencies, kept in memory (a few numbers per
 * operation), to render with `renderDatabaseMetrics(db, { repositoryMetrics })`.
 *
 * @throws {ValidationError} when `buckets` is not ascending positive numbers.
 * @param options.buckets upper bounds of the latency histogram, in seconds, ascending. Defaults to {@link DEFAULT_LATENCY_BUCKETS}.
 * @example
 * const repositoryMetrics = createRepositoryMetrics();
 * const letters = new LetterRepository(db.prisma, { observer: repositoryMetrics.observer });
 */
export function createRepositoryMetrics(options: { buckets?: readonly number[] } = {}): RepositoryMetrics {
  const buckets = [...(options.buckets ?? DEFAULT_LATENCY_BUCKETS)];
  if (buckets.some((bound, index) => !Number.isFinite(bound) || bound <= 0 || (index > 0 && bound <= buckets[index - 1]!))) {
    throw new ValidationError([{ path: "buckets", message: "must be positive finite numbers in ascending order" }], "repository metrics options");
  }
  const operations = new Map<string, OperationFigures>();
  const observer = (call: RepositoryCall): void => {
    let figures = operations.get(call.operation);
    if (figures === undefined) {
      figures = { outcomes: new Map(), bucketCounts: buckets.map(() => 0), sum: 0, count: 0 };
      operations.set(call.operation, figures);
    }
    figures.outcomes.set(call.outcome, (figures.outcomes.get(call.outcome) ?? 0) + 1);
    buckets.forEach((bound, index) => {
      if (call.durationSeconds <= bound) figures.bucketCounts[index]! += 1;
    });
    figures.sum += call.durationSeconds;
    figures.count += 1;
  };
  const sorted = () => [...operations].sort(([left], [right]) => left.localeCompare(right));
  return Object.freeze({
    observer,
    calls: () =>
      sorted().flatMap(([operation, figures]) =>
        [...figures.outcomes].sort().map(([outcome, value]) => ({ labels: { operation, outcome }, value })),
      ),
    durations: () =>
      sorted().map(([operation, figures]) => ({
        labels: { operation },
        buckets: buckets.map((bound, index) => [bound, figures.bucketCounts[index]!] as const),
        sum: figures.sum,
        count: figures.count,
      })),
  });
}
