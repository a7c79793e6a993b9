import type { ReadCounts } from "../../src/client/replica-set.ts";
import { urlFor, withClient } from "./bench-database.ts";
import type { BenchOptions } from "./bench-options.ts";
import { warmUp } from "./bench-setup.ts";
import { prepareDatabase, type BenchDatabase } from "./dataset.ts";
import { runScenario, type ScenarioResult } from "./load-generator.ts";
import { oursDriver } from "./ours-driver.ts";
import { ms, formatTable } from "./report.ts";
import { createReplicaPair } from "./replica-cluster.ts";
import { loadWorkloadData, type WorkloadData } from "./workload.ts";

const USERS = 50;

/** One run's latencies, where its read statements went, and the replica lag measured meanwhile. */
interface RoutedRun {
  readonly result: ScenarioResult;
  readonly reads: ReadCounts;
  readonly lagSamplesMs: number[];
  readonly maxLagSeenMs: number;
  readonly fallbacks: number;
}

/**
 * `--scenario replica1`: the 50-user scenario on the bench's own primary (the same data set, built in
 * it), first as a single server, then with one streaming replica taking the repository's reads; prints
 * both runs' latencies side by side, the primary's and the replica's share of the read statements and
 * the replay lag the client measured. Both servers share this machine's cores with the load generator.
 */
export async function runReplicaScenario(options: BenchOptions): Promise<void> {
  const log = (line: string) => console.log(`   ${line}`);
  console.log(`\n.. one replica: building the bench's own primary with ${options.letters} letters and a streaming replica of it`);
  let database: BenchDatabase | undefined;
  const pair = await createReplicaPair(log, async (adminUrl) => {
    database = await prepareDatabase(adminUrl, "ours", options.letters, { rebuild: true, log });
  });
  const stop = () => {
    pair.destroy();
    process.exit(130);
  };
  process.once("SIGINT", stop);
  try {
    const primaryUrl = database!.url;
    const replicaUrl = urlFor(pair.replicaAdminUrl, database!.name);
    const data = await withClient(primaryUrl, (client) => loadWorkloadData(client, options.letters));
    console.log(`.. ${USERS} users on the primary alone, ${options.duration} s`);
    const single = await routedRun(options, primaryUrl, data, []);
    console.log(`.. ${USERS} users on the primary with one replica, ${options.duration} s`);
    const replicated = await routedRun(options, primaryUrl, data, [replicaUrl]);
    printReplicaScenario(options, single, replicated);
  } finally {
    process.removeListener("SIGINT", stop);
    pair.destroy();
  }
}

async function routedRun(options: BenchOptions, url: string, data: WorkloadData, replicas: string[]): Promise<RoutedRun> {
  const driver = await oursDriver({ url, poolSize: options.poolSize, writerPoolSize: 4, preparedStatements: options.preparedStatements, replicas });
  try {
    await warmUp(driver, data);
    const before = driver.web.readCounts();
    const lagSamplesMs: number[] = [];
    const sampler = setInterval(() => {
      const lag = driver.web.replicaStatus()[0]?.lagMs;
      if (lag !== undefined && lag !== null) lagSamplesMs.push(lag);
    }, 250);
    let result: ScenarioResult;
    try {
      result = await runScenario({
        driver,
        url,
        data,
        users: USERS,
        userIntervalMs: 1000,
        durationSeconds: options.duration,
        writers: options.writers,
        writerOpsPerSecond: options.writerOpsPerSecond,
        drainTimeoutMs: 30_000,
      });
    } finally {
      clearInterval(sampler);
    }
    const after = driver.web.readCounts();
    const status = driver.web.replicaStatus()[0];
    return {
      result,
      reads: { replica: after.replica - before.replica, primary: after.primary - before.primary },
      lagSamplesMs,
      maxLagSeenMs: status?.maxLagSeenMs ?? 0,
      fallbacks: status?.fallbacks ?? 0,
    };
  } finally {
    await driver.close();
  }
}

function printReplicaScenario(options: BenchOptions, single: RoutedRun, replicated: RoutedRun): void {
  console.log(`\n== one replica: ${USERS} simultaneous users, 1 request/s each, ${options.duration} s, ${options.writers} pipeline writers; single server vs primary + 1 replica`);
  const ops = [...new Set([...single.result.recorder.operations(), ...replicated.result.recorder.operations()])].sort();
  const rows = ops.map((op) => {
    const a = single.result.recorder.summary(op);
    const b = replicated.result.recorder.summary(op);
    return [op, String(a.count), ms(a.p50), ms(a.p95), ms(a.p99), String(a.errors), `| ${b.count}`, ms(b.p50), ms(b.p95), ms(b.p99), String(b.errors)];
  });
  const isRead = (op: string) => !op.startsWith("write.");
  const a = single.result.recorder.combined(isRead);
  const b = replicated.result.recorder.combined(isRead);
  rows.push(["ALL READS", String(a.count), ms(a.p50), ms(a.p95), ms(a.p99), String(a.errors), `| ${b.count}`, ms(b.p50), ms(b.p95), ms(b.p99), String(b.errors)]);
  for (const line of formatTable(["operation", "single count", "p50", "p95", "p99", "errors", "| +replica count", "p50", "p95", "p99", "errors"], rows)) console.log(line);
  const { replica, primary } = replicated.reads;
  const total = replica + primary;
  const share = (part: number) => (total === 0 ? "-" : `${((100 * part) / total).toFixed(1)}%`);
  console.log(`read statements outside transactions with the replica: replica ${replica} (${share(replica)}), primary ${primary} (${share(primary)}); the primary also ran every write and transaction (cached statistics refreshes included)`);
  const sorted = [...replicated.lagSamplesMs].sort((x, y) => x - y);
  const median = sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
  console.log(`replica lag measured by the client (every 250 ms bound check, ${sorted.length} samples): median ${ms(median)} ms, max ${ms(replicated.maxLagSeenMs)} ms; ${replicated.fallbacks} reads fell back to the primary after a replica failure`);
}
