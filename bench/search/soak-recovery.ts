import type { FaultEvent } from "./fault-schedule.ts";
import type { TimelineRecorder } from "./soak-timeline.ts";

/** Length of the sliding window that judges "normal", in seconds. */
export const NORMAL_WINDOW_SECONDS = 5;

/** What "normal" was before the first fault, judged over sliding 5-second windows. */
export interface NormalBounds {
  /** Lowest success rate of any window before the first fault (1 when none failed). */
  minSuccessRate: number;
  /** 90th percentile of the windows' read p95 before the first fault, in ms. */
  readP95Limit: number;
}

/** How the load fared after one fault; times are seconds after the fault began, `null` when never. */
export interface Recovery {
  fault: FaultEvent;
  /** Last second with an error before the load was back to normal. */
  lastErrorAfter: number | null;
  /** The time to recover: the first window whose success rate is back to {@link NormalBounds.minSuccessRate}. */
  recoveredAfter: number | null;
  /** First window whose read p95 is back under {@link NormalBounds.readP95Limit} (noisier: one normal window in ten is over it). */
  latencyBackAfter: number | null;
  /** Seconds available to recover in (until the next fault or the end of the run). */
  horizon: number;
}

/** A named span of seconds `[from, to)` of the run. */
export interface Phase {
  name: string;
  from: number;
  to: number;
}

/** Sliding windows over `[from, to)`, stepped by one second. */
function windows(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - NORMAL_WINDOW_SECONDS - from + 1) }, (_, index) => from + index);
}

/** Normal, from the seconds before `firstFaultSecond`. */
export function normalBounds(timeline: TimelineRecorder, firstFaultSecond: number): NormalBounds {
  const spans = windows(0, firstFaultSecond).map((start) => timeline.span(start, start + NORMAL_WINDOW_SECONDS));
  if (spans.length === 0) throw new Error(`no ${NORMAL_WINDOW_SECONDS}-second window before the first fault: run longer`);
  const p95s = spans.map((span) => span.readP95).filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  return {
    minSuccessRate: Math.min(...spans.map((span) => (Number.isNaN(span.successRate) ? 1 : span.successRate))),
    readP95Limit: p95s[Math.min(p95s.length - 1, Math.ceil(0.9 * p95s.length) - 1)] ?? Number.POSITIVE_INFINITY,
  };
}

/** Recovery after each fault, each judged until the next fault begins (or the run's last second). */
export function recoveries(timeline: TimelineRecorder, events: readonly FaultEvent[], normal: NormalBounds): Recovery[] {
  return events.map((fault, index) => {
    const from = Math.floor(fault.startedAt);
    const until = Math.floor(events[index + 1]?.startedAt ?? timeline.length);
    const spans = windows(from, until).map((start) => ({ start, span: timeline.span(start, start + NORMAL_WINDOW_SECONDS) }));
    const after = (found: (typeof spans)[number] | undefined) => (found ? found.start - from : null);
    const recovered = spans.find((s) => s.span.successRate >= normal.minSuccessRate);
    let lastError: number | null = null;
    for (let second = from; second < (recovered?.start ?? until); second++) {
      const span = timeline.span(second, second + 1);
      if (span.readErrors + span.writeErrors > 0) lastError = second - from;
    }
    return {
      fault,
      lastErrorAfter: lastError,
      recoveredAfter: after(recovered),
      latencyBackAfter: after(spans.find((s) => s.span.readP95 <= normal.readP95Limit)),
      horizon: until - from,
    };
  });
}

/**
 * Cuts the run into phases that cover it without overlap: before the first fault; for each fault, from
 * its start until the success rate was back to normal (or until the next fault, when it never was); then
 * after it, until the next fault or the end.
 */
export function phases(recoveryList: readonly Recovery[], lastSecond: number): Phase[] {
  const result: Phase[] = [{ name: `before ${label(recoveryList[0]!.fault)}`, from: 0, to: Math.floor(recoveryList[0]!.fault.startedAt) }];
  recoveryList.forEach((recovery, index) => {
    const from = Math.floor(recovery.fault.startedAt);
    const until = from + recovery.horizon;
    const normalAt = recovery.recoveredAfter === null ? until : from + recovery.recoveredAfter;
    const next = recoveryList[index + 1];
    result.push({ name: `${label(recovery.fault)}: until normal`, from, to: normalAt });
    result.push({ name: `after ${label(recovery.fault)}${next ? ` (before ${label(next.fault)})` : ""}`, from: normalAt, to: Math.min(until, lastSecond) });
  });
  return result;
}

/** `restart` / `terminate sweep`. */
export function label(fault: { kind: FaultEvent["kind"] }): string {
  return fault.kind === "restart" ? "restart" : "terminate sweep";
}
