import { describeUrl, withClient } from "./bench-database.ts";
import { parseBenchOptions, type BenchOptions } from "./bench-options.ts";
import type { BenchDatabase } from "./dataset.ts";
import type { Driver } from "./drivers.ts";
import { runScenario, type ScenarioResult } from "./load-generator.ts";
import { oursDriver } from "./ours-driver.ts";
import { comparisonTable, describeMachine, lockLine } from "./report.ts";
import { seedsDriver } from "./seeds-driver.ts";
import { loadBenchData, warmUp } from "./bench-setup.ts";
import { DEEP_PAGE_MIX, type WorkloadData } from "./workload.ts";
import { runReplicaScenario } from "./replica-scenario.ts";

// npm run bench:load -- [flags]: the 50-user and 200-user scenarios and the saturation search, on our
// schema through LetterRepository and on the seeds' schema through the seeds' SQL, same data, same run.

const SATURATION_RATES = [10, 25, 50, 100, 150, 200, 300, 400, 500, 650, 800, 1000];

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  console.log(`command: npm run bench:load${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`);
  for (const line of await describeMachine(options.adminUrl)) console.log(line);
  // replica1 builds its own primary and replica: the shared server's data sets are loaded only for the others.
  const { databases, data } = options.scenarios.some((scenario) => scenario !== "replica1")
    ? await loadBenchData(options)
    : { databases: [], data: undefined as unknown as WorkloadData };
  console.log(`pipeline: ${options.writers} writers x ${options.writerOpsPerSecond} writes/s; web pool ${options.poolSize} (ours), 20 (seeds)`);

  for (const scenario of options.scenarios) {
    if (scenario === "replica1") {
      await runReplicaScenario(options);
    } else if (scenario === "users50" || scenario === "users200" || scenario === "users50deep") {
      const users = scenario === "users200" ? 200 : 50;
      // users50deep: one request in seven is a deep or last offset page (DEEP_PAGE_MIX).
      const mix = scenario === "users50deep" ? { mix: DEEP_PAGE_MIX } : {};
      const results = new Map<string, ScenarioResult>();
      for (const database of databases) {
        console.log(`\n.. ${users} users${scenario === "users50deep" ? " (deep-page mix)" : ""} on ${database.setup} (${describeUrl(database.url)}), ${options.duration} s`);
        results.set(database.setup, await withDriver(options, database, data, (driver) => runScenario({ ...scenarioBase(options, database, data, driver), users, ...mix, durationSeconds: options.duration })));
      }
      const title = `${users} simultaneous users, 1 request/s each${scenario === "users50deep" ? ", one request in seven a deep or last offset page" : ""}`;
      printScenario(`${title}, ${options.duration} s, ${options.writers} pipeline writers`, results);
    } else if (scenario === "saturation") {
      console.log(`\n== saturation: highest request rate (users x 1 request/s, ${options.saturationStepSeconds} s per step, writers on) with p95 of all reads under 100 ms and no errors`);
      const found = new Map<string, string>();
      for (const database of databases) {
        let best: string | undefined;
        for (const rate of SATURATION_RATES) {
          const result = await withDriver(options, database, data, (driver) =>
            runScenario({ ...scenarioBase(options, database, data, driver), users: rate, durationSeconds: options.saturationStepSeconds }),
          );
          const reads = result.recorder.combined((op) => !op.startsWith("write."));
          const passed = reads.p95 < 100 && reads.errors === 0;
          const line = `${rate} req/s: p95 ${reads.p95.toFixed(1)} ms, p99 ${reads.p99.toFixed(1)} ms, ${reads.errors} errors of ${reads.count + reads.errors}`;
          console.log(`${database.setup.padEnd(5)} ${line} ${passed ? "ok" : "FAIL"}`);
          if (!passed) break;
          best = line;
        }
        found.set(database.setup, best ?? "none (fails at the lowest step)");
      }
      for (const [setup, line] of found) console.log(`saturation ${setup}: ${line}`);
      const ours = found.get("ours");
      const seeds = found.get("seeds");
      if (ours && seeds) {
        const rate = (line: string) => Number(line.split(" ")[0]);
        console.log(`saturation ratio ours/seeds: ${rate(seeds) > 0 ? `x${(rate(ours) / rate(seeds)).toFixed(1)}` : "seeds sustain no step"}`);
      }
    } else {
      throw new Error(`unknown scenario ${scenario}: users50, users50deep, users200, saturation or replica1`);
    }
  }
}

function scenarioBase(options: BenchOptions, database: BenchDatabase, data: WorkloadData, driver: Driver) {
  return {
    driver,
    url: database.url,
    data,
    userIntervalMs: 1000,
    writers: options.writers,
    writerOpsPerSecond: options.writerOpsPerSecond,
    drainTimeoutMs: 30_000,
  };
}

async function withDriver<T>(options: BenchOptions, database: BenchDatabase, data: WorkloadData, work: (driver: Driver) => Promise<T>): Promise<T> {
  const driver = database.setup === "ours" ? await oursDriver({ url: database.url, poolSize: options.poolSize, writerPoolSize: 4, preparedStatements: options.preparedStatements }) : seedsDriver(database.url);
  try {
    await warmUp(driver, data);
    return await work(driver);
  } finally {
    await driver.close();
    // Requests abandoned by the pool (a timeout) may still run on the server: end them, so that they do
    // not slow down the next scenario.
    await withClient(database.url, (client) =>
      client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'bench-seeds-%'"),
    );
  }
}

function printScenario(title: string, results: Map<string, ScenarioResult>): void {
  const ours = results.get("ours");
  const seeds = results.get("seeds");
  console.log(`\n== ${title}`);
  if (!ours) {
    for (const line of comparisonTable(seeds!.recorder, undefined)) console.log(line);
  } else {
    for (const line of comparisonTable(ours.recorder, seeds?.recorder)) console.log(line);
  }
  for (const [setup, result] of results) {
    console.log(`${setup}: offered ${result.offeredRate.toFixed(0)} req/s, ${result.unfinished} unfinished after the drain; load generator + library used ${result.clientCores.toFixed(2)} cores, event loop delay p99 ${result.eventLoopDelay.p99Ms.toFixed(1)} ms, max ${result.eventLoopDelay.maxMs.toFixed(1)} ms`);
    if (result.locks) console.log(lockLine(setup, result.locks));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
