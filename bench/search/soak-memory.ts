/** The client process's memory at the end of one minute of the soak. */
export interface MemorySample {
  minute: number;
  rssMb: number;
  /** V8 heap in use as sampled, garbage included. */
  heapUsedMb: number;
  /** V8 heap in use right after a forced full collection (NaN when node runs without --expose-gc). */
  heapAfterGcMb: number;
  /** Memory the bench itself retains on purpose by then (its raw latencies), in MB. */
  benchSamplesMb: number;
}

const MB = 2 ** 20;

/** Bytes per retained latency: a double in a V8 array, plus up to half as much again of spare capacity. */
const BYTES_PER_SAMPLE = 12;

/**
 * Reads RSS and heap used, then forces a full collection (node's `--expose-gc`) and reads heap used again:
 * the heap after a collection is the memory still reachable, the figure a leak makes grow. The collection
 * pauses the process for a few milliseconds once a minute.
 */
export function sampleMemory(minute: number, retainedSamples: number): MemorySample {
  const before = process.memoryUsage();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return {
    minute,
    rssMb: before.rss / MB,
    heapUsedMb: before.heapUsed / MB,
    heapAfterGcMb: gc ? process.memoryUsage().heapUsed / MB : Number.NaN,
    benchSamplesMb: (retainedSamples * BYTES_PER_SAMPLE) / MB,
  };
}

/** The verdict on heap growth over the run, with the figures behind it. */
export interface HeapTrend {
  /** Mean heap after GC of the first third of the minutes, and of the last third, in MB. */
  firstMb: number;
  lastMb: number;
  /** lastMb − firstMb, less what the bench's own retained samples grew by meanwhile. */
  unexplainedGrowthMb: number;
  /** Least-squares slope of heap after GC over the minutes, in MB per minute. */
  slopeMbPerMinute: number;
  /** Growth counts as a trend over this many MB: max(2 MB, 10% of firstMb). */
  thresholdMb: number;
  growing: boolean;
  /** Change of heap after GC over each minute that overlaps a fault (minute → MB). */
  faultMinuteSteps: { minute: number; mb: number }[];
  /** Mean change per minute over the other minutes (the first has no previous sample), less the bench's samples' growth. */
  steadyMbPerMinute: number;
}

/**
 * Judges a growth trend from the heap after GC (heap used when node runs without --expose-gc): the mean of
 * the last third of the minutes against the mean of the first third, less the bench's own retained
 * latencies; growth over max(2 MB, 10%) is a trend. One minute of noise cannot make a trend: each side
 * averages a third of the run. The change is also split between the minutes that overlap a fault (its
 * `from`-`to` seconds) and the steady minutes, so that a step at a fault (a one-time allocation, or a leak
 * per fault) is told apart from growth under steady load.
 */
export function judgeHeapTrend(samples: readonly MemorySample[], faults: readonly { from: number; to: number }[]): HeapTrend | null {
  if (samples.length < 2) return null;
  const heap = (sample: MemorySample) => (Number.isNaN(sample.heapAfterGcMb) ? sample.heapUsedMb : sample.heapAfterGcMb);
  const third = Math.max(1, Math.floor(samples.length / 3));
  const first = samples.slice(0, third);
  const last = samples.slice(-third);
  const mean = (list: readonly MemorySample[], value: (sample: MemorySample) => number) => list.reduce((sum, sample) => sum + value(sample), 0) / list.length;
  const firstMb = mean(first, heap);
  const lastMb = mean(last, heap);
  const benchGrowth = mean(last, (sample) => sample.benchSamplesMb) - mean(first, (sample) => sample.benchSamplesMb);
  const unexplainedGrowthMb = lastMb - firstMb - benchGrowth;
  const xs = samples.map((sample) => sample.minute);
  const ys = samples.map(heap);
  const xMean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const yMean = ys.reduce((a, b) => a + b, 0) / ys.length;
  const slopeMbPerMinute = xs.reduce((sum, x, index) => sum + (x - xMean) * (ys[index]! - yMean), 0) / xs.reduce((sum, x) => sum + (x - xMean) ** 2, 0);
  const thresholdMb = Math.max(2, 0.1 * firstMb);
  const faultMinuteSteps: { minute: number; mb: number }[] = [];
  const steadySteps: number[] = [];
  samples.forEach((sample, index) => {
    const previous = samples[index - 1];
    if (!previous) return;
    const step = heap(sample) - heap(previous);
    const hasFault = faults.some((fault) => fault.from < sample.minute * 60 && fault.to >= previous.minute * 60);
    if (hasFault) faultMinuteSteps.push({ minute: sample.minute, mb: step });
    else steadySteps.push(step - (sample.benchSamplesMb - previous.benchSamplesMb));
  });
  const steadyMbPerMinute = steadySteps.length === 0 ? Number.NaN : steadySteps.reduce((a, b) => a + b, 0) / steadySteps.length;
  return { firstMb, lastMb, unexplainedGrowthMb, slopeMbPerMinute, thresholdMb, growing: unexplainedGrowthMb > thresholdMb, faultMinuteSteps, steadyMbPerMinute };
}
