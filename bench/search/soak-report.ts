import { formatTable, ms } from "./report.ts";
import type { HeapTrend, MemorySample } from "./soak-memory.ts";
import { NORMAL_WINDOW_SECONDS, label, type NormalBounds, type Phase, type Recovery } from "./soak-recovery.ts";
import type { SpanSummary, TimelineRecorder } from "./soak-timeline.ts";

const percent = (rate: number) => (Number.isNaN(rate) ? "-" : `${(100 * rate).toFixed(rate === 1 ? 0 : 2)}%`);
const seconds = (value: number | null, horizon: number) => (value === null ? `not within ${horizon} s` : `${value} s`);
const mb = (value: number) => (Number.isNaN(value) ? "n/a" : value.toFixed(1));

/** One line per minute, printed as the soak runs and again in the memory table. */
export function minuteLine(sample: MemorySample, minute: SpanSummary): string {
  return `minute ${sample.minute}: reads ${minute.readsOk} ok / ${minute.readErrors} failed, writes ${minute.writesOk} ok / ${minute.writeErrors} failed, read p95 ${ms(minute.readP95)} ms; RSS ${mb(sample.rssMb)} MB, heap used ${mb(sample.heapUsedMb)} MB, after GC ${mb(sample.heapAfterGcMb)} MB`;
}

/** What "normal" meant, then per fault: what it did and how long the success rate took to be normal again. */
export function recoveryLines(normal: NormalBounds, list: readonly Recovery[]): string[] {
  const lines = [
    `normal (sliding ${NORMAL_WINDOW_SECONDS}-second windows before the first fault): success rate >= ${percent(normal.minSuccessRate)} (the lowest window); read p95 limit ${ms(normal.readP95Limit)} ms (90th percentile of the windows' p95)`,
    `time to recover = from the fault's start to the first ${NORMAL_WINDOW_SECONDS}-second window with a normal success rate (1 s steps)`,
  ];
  for (const recovery of list) {
    const { fault } = recovery;
    lines.push(
      `${label(fault)} at ${fault.startedAt.toFixed(1)} s (${fault.detail}): time to recover (success rate back to normal) ${seconds(recovery.recoveredAfter, recovery.horizon)}, ` +
        `last error ${seconds(recovery.lastErrorAfter, recovery.horizon)} after it began; read p95 back under the limit after ${seconds(recovery.latencyBackAfter, recovery.horizon)}`,
    );
  }
  return lines;
}

/** Requests per phase: completed, failed, success rate and read latency (from scheduled time, ms). */
export function phaseTable(timeline: TimelineRecorder, list: readonly Phase[]): string[] {
  const header = ["phase", "seconds", "reads ok", "read errors", "writes ok", "write errors", "success", "read p50", "p95", "p99", "max", "idle conn errors"];
  const rows = list.map((phase) => {
    const span = timeline.span(phase.from, phase.to);
    return [
      `${phase.name} [${phase.from}-${phase.to} s)`, String(span.seconds), String(span.readsOk), String(span.readErrors), String(span.writesOk), String(span.writeErrors),
      percent(span.successRate), ms(span.readP50), ms(span.readP95), ms(span.readP99), ms(span.readMax), String(span.poolErrors),
    ];
  });
  return formatTable(header, rows);
}

/** Errors by kind (class and code along the cause chain) per phase, then the first message of each kind. */
export function errorKindLines(timeline: TimelineRecorder, list: readonly Phase[]): string[] {
  const spans = list.map((phase) => timeline.span(phase.from, phase.to));
  const firsts = timeline.firstMessages();
  if (firsts.length === 0) return ["no errors in any phase"];
  const phaseColumns = list.map((_, index) => `phase ${index + 1}`);
  const rows = firsts.map(({ kind }) => [kind, ...spans.map((span) => String(span.errorKinds.get(kind) ?? 0))]);
  const ops = [...new Set(spans.flatMap((span) => [...span.errorOps.keys()]))].sort();
  const opRows = ops.map((op) => [op, ...spans.map((span) => String(span.errorOps.get(op) ?? 0))]);
  return [
    ...list.map((phase, index) => `phase ${index + 1}: ${phase.name}`),
    ...formatTable(["error kind", ...phaseColumns], rows),
    "",
    ...formatTable(["failed requests by operation", ...phaseColumns], opRows),
    "first message of each kind:",
    ...firsts.map((first) => `  [${first.at.toFixed(1)} s] ${first.kind}: ${first.message}`),
  ];
}

/** Per minute: requests, RSS, heap used and heap after GC; then the growth verdict with how it was judged. */
export function memoryLines(timeline: TimelineRecorder, samples: readonly MemorySample[], trend: HeapTrend | null): string[] {
  const header = ["minute", "reads ok", "read errors", "writes ok", "write errors", "read p95", "RSS MB", "heap used MB", "heap after GC MB", "bench's own samples MB"];
  const rows = samples.map((sample) => {
    const minute = timeline.span((sample.minute - 1) * 60, sample.minute * 60);
    return [
      String(sample.minute), String(minute.readsOk), String(minute.readErrors), String(minute.writesOk), String(minute.writeErrors), ms(minute.readP95),
      mb(sample.rssMb), mb(sample.heapUsedMb), mb(sample.heapAfterGcMb), mb(sample.benchSamplesMb),
    ];
  });
  const lines = formatTable(header, rows);
  if (!trend) return [...lines, "growth trend: not judged (fewer than 2 minutes)"];
  const gcNote = samples.some((sample) => Number.isNaN(sample.heapAfterGcMb)) ? " (no --expose-gc: heap used instead of heap after GC)" : "";
  return [
    ...lines,
    `growth trend${gcNote}: heap after GC ${trend.firstMb.toFixed(1)} MB (mean of the first third of the minutes) -> ${trend.lastMb.toFixed(1)} MB (last third); ` +
      `${trend.unexplainedGrowthMb.toFixed(2)} MB not explained by the bench's own samples; slope ${trend.slopeMbPerMinute.toFixed(2)} MB/min; ` +
      `a trend is > ${trend.thresholdMb.toFixed(1)} MB (max of 2 MB and 10%): ${trend.growing ? "GROWING" : "no growth trend"}`,
    `  where: ${trend.faultMinuteSteps.map((step) => `${step.mb >= 0 ? "+" : ""}${step.mb.toFixed(2)} MB over minute ${step.minute} (overlaps a fault)`).join(", ") || "no fault minute sampled"}; ` +
      `${Number.isNaN(trend.steadyMbPerMinute) ? "no steady minute" : `${trend.steadyMbPerMinute >= 0 ? "+" : ""}${trend.steadyMbPerMinute.toFixed(2)} MB per steady minute (bench's samples subtracted)`}`,
  ];
}
