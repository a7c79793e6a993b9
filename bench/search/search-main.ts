import { describeUrl } from "./bench-database.ts";
import { parseBenchOptions } from "./bench-options.ts";
import { loadBenchData, warmUp } from "./bench-setup.ts";
import { LatencyRecorder } from "./latency-recorder.ts";
import { oursDriver } from "./ours-driver.ts";
import { comparisonTable, describeMachine } from "./report.ts";
import { seedsDriver } from "./seeds-driver.ts";
import { DEEP_PAGE_OPS, READ_MIX, SEARCH_ONLY_OPS, requestFor, seededRandom } from "./workload.ts";

// npm run bench:search -- [flags]: each operation of the mix, one at a time on an idle server, on our
// schema through LetterRepository and on the seeds' schema through the seeds' SQL; the same requests.

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  console.log(`command: npm run bench:search${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`);
  for (const line of await describeMachine(options.adminUrl)) console.log(line);
  const { databases, data } = await loadBenchData(options);
  const recorders = new Map<string, LatencyRecorder>();
  for (const database of databases) {
    console.log(`.. ${options.iterations} sequential requests per operation on ${database.setup} (${describeUrl(database.url)})`);
    const driver = database.setup === "ours" ? await oursDriver({ url: database.url, poolSize: options.poolSize, writerPoolSize: 1, preparedStatements: options.preparedStatements }) : seedsDriver(database.url);
    const recorder = new LatencyRecorder();
    try {
      await warmUp(driver, data);
      for (const op of [...READ_MIX.map(([name]) => name), ...DEEP_PAGE_OPS, ...SEARCH_ONLY_OPS]) {
        const random = seededRandom(op.length * 7919);
        for (let i = 0; i < options.iterations; i++) {
          const request = requestFor(op, random, data);
          const began = performance.now();
          try {
            await driver.read(request);
            recorder.record(op, performance.now() - began);
          } catch (error) {
            recorder.fail(op, error);
          }
        }
      }
      // The figures computed on every call (maxAgeMs 0), for comparison with the cached dashboard reads.
      for (let i = 0; i < Math.min(options.iterations, 10); i++) {
        const began = performance.now();
        await driver.read({ op: "statistics.fresh", kind: "statistics", fresh: true });
        recorder.record("statistics.fresh", performance.now() - began);
      }
    } finally {
      await driver.close();
    }
    recorders.set(database.setup, recorder);
  }
  console.log(`\n== one request at a time, idle server, ${options.iterations} per operation`);
  const ours = recorders.get("ours") ?? recorders.get("seeds")!;
  for (const line of comparisonTable(ours, recorders.has("ours") ? recorders.get("seeds") : undefined)) console.log(line);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
