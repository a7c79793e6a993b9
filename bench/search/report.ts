import os from "node:os";
import { withClient } from "./bench-database.ts";
import type { LatencyRecorder, OperationSummary } from "./latency-recorder.ts";
import type { LockReport } from "./lock-sampler.ts";

/** nproc, memory, CPU model, PostgreSQL version and settings, load average: printed with every table. */
export async function describeMachine(adminUrl: string): Promise<string[]> {
  const server = await withClient(adminUrl, async (client) => {
    const rows = await client.query<{ name: string; setting: string }>(
      `SELECT name, current_setting(name) AS setting FROM unnest(ARRAY['server_version', 'shared_buffers', 'work_mem', 'max_connections', 'jit', 'random_page_cost', 'effective_cache_size']) AS name`,
    );
    return Object.fromEntries(rows.rows.map((row) => [row.name, row.setting]));
  });
  const cpus = os.cpus();
  return [
    `machine: ${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? "unknown CPU"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`,
    `PostgreSQL ${server["server_version"]} on the same machine: shared_buffers=${server["shared_buffers"]} work_mem=${server["work_mem"]} max_connections=${server["max_connections"]} jit=${server["jit"]} random_page_cost=${server["random_page_cost"]}`,
    `load average at start: ${os.loadavg().map((value) => value.toFixed(2)).join(" ")}`,
  ];
}

/** A latency in ms with 2, 1 or 0 decimals by size; `-` for none. */
export const ms = (value: number) => (Number.isNaN(value) ? "-" : value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0));

function pad(cells: string[], widths: number[]): string {
  return cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join("  ");
}

/** A plain-text table: the first column left-aligned, the others right-aligned, a rule under the header. */
export function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((cell, index) => Math.max(cell.length, ...rows.map((r) => r[index]?.length ?? 0)));
  return [pad(header, widths), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map((r) => pad(r, widths))];
}

/** One row per operation: ours and the seeds' numbers, and how many times lower our p95 is; ours alone without seeds. */
export function comparisonTable(ours: LatencyRecorder, seeds: LatencyRecorder | undefined): string[] {
  const ops = [...new Set([...ours.operations(), ...(seeds?.operations() ?? [])])].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const header = ["operation", "count", "p50", "p95", "p99", "max", "errors", ...(seeds ? ["| seeds count", "p50", "p95", "p99", "max", "errors", "| p95 seeds/ours"] : [])];
  const rows: string[][] = [];
  const row = (name: string, o: OperationSummary, s: OperationSummary | undefined) => [
    name, String(o.count), ms(o.p50), ms(o.p95), ms(o.p99), ms(o.max), String(o.errors),
    ...(s
      ? [`| ${s.count}`, ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max), String(s.errors), `| ${ratio(o, s)}`]
      : []),
  ];
  for (const op of ops) rows.push(row(op, ours.summary(op), seeds?.summary(op)));
  const isRead = (op: string) => !op.startsWith("write.");
  rows.push(row("ALL READS", ours.combined(isRead), seeds?.combined(isRead)));
  return formatTable(header, rows);
}

function rank(op: string): number {
  return op.startsWith("search.") ? 0 : op.startsWith("cursor.") ? 1 : op.startsWith("write.") ? 3 : op === "unfinished" ? 4 : 2;
}

/** `×N`; where the seeds failed requests, their error rate and the p95 of what completed instead. */
export function ratio(ours: OperationSummary, seeds: OperationSummary): string {
  const sent = seeds.count + seeds.errors;
  if (seeds.errors > 0) return `seeds failed ${((100 * seeds.errors) / sent).toFixed(0)}%, p95 of completed ${ms(seeds.p95)} ms`;
  if (!(ours.p95 > 0) || Number.isNaN(seeds.p95)) return "-";
  return `x${(seeds.p95 / ours.p95).toFixed(seeds.p95 / ours.p95 >= 10 ? 0 : 1)}`;
}

export function lockLine(setup: string, locks: LockReport): string {
  return `${setup} locks: ${locks.samples} samples (~50 ms apart), ${locks.samplesWithLockWaits} with a backend waiting on a lock, ${locks.waits} lock waits seen, longest ${locks.longestWaitMs.toFixed(0)} ms, ${locks.waitsOver100ms} over 100 ms, ${locks.deadlocks} deadlocks${locks.examples.length ? `; longest: ${locks.examples.join("; ")}` : ""}`;
}
