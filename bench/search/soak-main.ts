import { execFileSync } from "node:child_process";
import { describeUrl, withClient } from "./bench-database.ts";
import { warmUp } from "./bench-setup.ts";
import { prepareDatabase } from "./dataset.ts";
import { planFaults, runFaults, type FaultEvent } from "./fault-schedule.ts";
import { runScenario } from "./load-generator.ts";
import { oursDriver } from "./ours-driver.ts";
import { comparisonTable, describeMachine } from "./report.ts";
import { createSoakCluster } from "./soak-cluster.ts";
import { judgeHeapTrend, sampleMemory, type MemorySample } from "./soak-memory.ts";
import { parseSoakOptions } from "./soak-options.ts";
import { NORMAL_WINDOW_SECONDS, normalBounds, phases, recoveries } from "./soak-recovery.ts";
import { errorKindLines, memoryLines, minuteLine, phaseTable, recoveryLines } from "./soak-report.ts";
import { TimelineRecorder } from "./soak-timeline.ts";
import { loadWorkloadData } from "./workload.ts";

// npm run bench:soak -- [flags]: the 50-user load of bench:load through LetterRepository for --minutes, on
// a PostgreSQL cluster of its own, with a server restart and a pg_terminate_backend sweep in the middle;
// errors per phase, time to recover, and this process's memory every minute.

const log = (line: string) => console.log(`   ${line}`);
const sleepUntil = (time: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, time - performance.now())));

/** The commit the bundle was built from, and whether src/ differed from it (others' uncommitted work is measured too). */
function describeSource(): string {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    const changed = execFileSync("git", ["status", "--porcelain", "--", "src"], { stdio: ["ignore", "pipe", "ignore"] }).toString().split("\n").filter(Boolean);
    return `source: commit ${commit}${changed.length ? `, plus uncommitted changes in src/ (${changed.map((line) => line.slice(3)).join(", ")})` : ", src/ as committed"}`;
  } catch {
    return "source: not a git checkout";
  }
}

async function main(): Promise<void> {
  const options = parseSoakOptions(process.argv.slice(2));
  console.log(`command: npm run bench:soak${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`);
  console.log(`started: ${new Date().toISOString()}`);
  console.log(describeSource());
  // Node's source-map support keeps the bundle's parsed source map once the first error's stack is
  // formatted: a heap step of about 5 MB at the first fault that is the tool's, not the library's.
  console.log(
    `client process: node ${process.execArgv.join(" ") || "(no flags)"}` +
      `${process.execArgv.includes("--expose-gc") ? "" : " (WARNING: without --expose-gc, heap after GC is not measured)"}` +
      `${process.execArgv.includes("--enable-source-maps") ? " (WARNING: --enable-source-maps adds its source-map cache to the heap at the first error)" : ""}`,
  );
  const cluster = await createSoakCluster(log);
  const stopOnSignal = (signal: NodeJS.Signals) => {
    cluster.destroy();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  try {
    for (const line of await describeMachine(cluster.adminUrl)) console.log(line);
    const database = await prepareDatabase(cluster.adminUrl, "ours", options.letters, { rebuild: true, log });
    // A server in service checkpoints every few minutes; without this, the restart's shutdown checkpoint
    // would also write the freshly loaded data set still dirty in shared_buffers.
    const data = await withClient(database.url, async (client) => {
      await client.query("CHECKPOINT");
      return loadWorkloadData(client, options.letters);
    });
    console.log(`data set: ${options.letters} letters, ${options.letters * 5} products, ${options.letters} matches (bench:load's generator); ${data.deepPositions.length} deep positions`);
    const durationSeconds = options.minutes * 60;
    const faults = planFaults(durationSeconds, options.restartAt, options.terminateAt);
    console.log(
      `soak: ${options.users} users x 1 request/s (bench:load's read mix), ${options.writers} writers x ${options.writerOpsPerSecond} writes/s, ` +
        `web pool ${options.poolSize}, pipeline pool 4, ${options.minutes} min on ${describeUrl(database.url)}; ` +
        `faults: ${faults.map((fault) => `${fault.kind} at ${fault.atSecond} s`).join(", ")}`,
    );

    const timeline = new TimelineRecorder();
    const driver = await oursDriver({
      url: database.url,
      poolSize: options.poolSize,
      writerPoolSize: 4,
      preparedStatements: true,
      onPoolError: (error) => timeline.poolError(error),
    });
    try {
      await warmUp(driver, data);
      const memory: MemorySample[] = [];
      let faultRun: Promise<FaultEvent[]> = Promise.resolve([]);
      let memoryRun: Promise<void> = Promise.resolve();
      console.log(`\n.. running ${options.minutes} min`);
      const result = await runScenario({
        driver,
        url: database.url,
        data,
        users: options.users,
        userIntervalMs: 1000,
        durationSeconds,
        writers: options.writers,
        writerOpsPerSecond: options.writerOpsPerSecond,
        drainTimeoutMs: 30_000,
        recorder: timeline,
        sampleLocks: false,
        onStart: (start) => {
          timeline.begin(start);
          faultRun = runFaults(faults, start, cluster, database.url, log);
          memoryRun = (async () => {
            for (let minute = 1; minute <= options.minutes; minute++) {
              await sleepUntil(start + minute * 60_000);
              const sample = sampleMemory(minute, timeline.retainedSamples);
              memory.push(sample);
              log(minuteLine(sample, timeline.span((minute - 1) * 60, minute * 60)));
            }
          })();
        },
      });
      const events = await faultRun;
      await memoryRun;

      const normal = normalBounds(timeline, Math.floor(events[0]!.startedAt));
      const recoveryList = recoveries(timeline, events, normal);
      const phaseList = phases(recoveryList, timeline.length);
      console.log(`\n== faults and recovery (seconds since the load began; outcomes filed by the second they completed in)`);
      for (const line of recoveryLines(normal, recoveryList)) console.log(line);
      console.log(`\n== requests per phase (read latency from the scheduled send time, ms)`);
      for (const line of phaseTable(timeline, phaseList)) console.log(line);
      console.log(`\n== errors by kind per phase (class(code) <- what it wraps)`);
      for (const line of errorKindLines(timeline, phaseList)) console.log(line);
      console.log(`\n== per minute: requests, and the client process's memory at its end (this process: load generator + library)`);
      for (const line of memoryLines(timeline, memory, judgeHeapTrend(memory, events.map((event) => ({ from: event.startedAt, to: event.endedAt + NORMAL_WINDOW_SECONDS }))))) console.log(line);
      console.log(`\n== whole run per operation`);
      for (const line of comparisonTable(timeline, undefined)) console.log(line);
      console.log(
        `offered ${result.offeredRate.toFixed(0)} req/s, ${result.unfinished} unfinished after the drain; load generator + library used ${result.clientCores.toFixed(2)} cores, ` +
          `event loop delay p99 ${result.eventLoopDelay.p99Ms.toFixed(1)} ms, max ${result.eventLoopDelay.maxMs.toFixed(1)} ms`,
      );
      console.log(`finished: ${new Date().toISOString()}`);
    } finally {
      await driver.close();
    }
  } finally {
    cluster.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
