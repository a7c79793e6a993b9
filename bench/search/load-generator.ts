import { monitorEventLoopDelay } from "node:perf_hooks";
import { withClient } from "./bench-database.ts";
import { WRITER_HASH_PREFIX, type Driver } from "./drivers.ts";
import { LatencyRecorder } from "./latency-recorder.ts";
import { LockSampler, type LockReport } from "./lock-sampler.ts";
import { nextReadRequest, seededRandom, type ReadMix, type WorkloadData } from "./workload.ts";

export interface ScenarioOptions {
  driver: Driver;
  url: string;
  data: WorkloadData;
  /** Simultaneous users, each sending one request per `userIntervalMs`. */
  users: number;
  /** What the users ask for. Defaults to `READ_MIX`. */
  mix?: ReadMix;
  userIntervalMs: number;
  durationSeconds: number;
  /** Pipeline workers writing meanwhile, each at `writerOpsPerSecond`. */
  writers: number;
  writerOpsPerSecond: number;
  /** Longest wait for requests still running when the schedule ends; the rest count as errors. */
  drainTimeoutMs: number;
  /** Where outcomes go (the soak passes one that also keeps them per second). Defaults to a new recorder. */
  recorder?: LatencyRecorder;
  /**
   * Whether to sample lock waits on a connection of its own. Defaults to `true`; the soak turns it off,
   * since its faults end that connection too.
   */
  sampleLocks?: boolean;
  /** Called with the schedule's start (a `performance.now()` value) once it is fixed, before any request. */
  onStart?: (start: number) => void;
}

export interface ScenarioResult {
  recorder: LatencyRecorder;
  /** `null` when lock sampling was off. */
  locks: LockReport | null;
  /** Requests the schedule sent per second. */
  offeredRate: number;
  /** Requests still running after the drain timeout (counted as errors). */
  unfinished: number;
  /** CPU this process (load generator and library) used, in cores, averaged over the run. */
  clientCores: number;
  /**
   * How late this process's event loop ran timers over the run (p99 and max, ms): a stall delays every
   * request in flight, so a read's tail that the server does not show comes from here or the pool.
   */
  eventLoopDelay: { p99Ms: number; maxMs: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Deletes what earlier runs' writers stored, so every run starts from the same data. */
export async function removeWriterRows(url: string): Promise<void> {
  await withClient(url, async (client) => {
    await client.query(`DELETE FROM letters WHERE file_hash LIKE '${WRITER_HASH_PREFIX}%'`);
    await client.query("VACUUM ANALYZE letters, letter_products, letter_product_matches, processing_debug");
  });
}

/**
 * Open loop: each user fires on its own schedule (a random phase, then every `userIntervalMs`)
 * whatever the replies, and a request's latency runs from its scheduled time, so queueing anywhere (the
 * pool, the server, this process's event loop) shows. Users draw from seeded generators: both setups
 * get the same requests in the same order. Bounded: the schedule ends after `durationSeconds`.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const { driver, data, users, userIntervalMs, durationSeconds } = options;
  await removeWriterRows(options.url);
  const recorder = options.recorder ?? new LatencyRecorder();
  const sampler = options.sampleLocks === false ? null : new LockSampler(options.url);
  await sampler?.start();
  const runId = `${Date.now().toString(36)}`;
  const cpuBefore = process.cpuUsage();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const start = performance.now() + 50;
  options.onStart?.(start);
  const end = start + durationSeconds * 1000;
  const inFlight = new Set<Promise<void>>();
  let offered = 0;

  const track = (op: string, scheduled: number, work: Promise<unknown>) => {
    offered++;
    const promise: Promise<void> = work.then(
      // A timer may fire up to a millisecond early: a request never takes less than zero.
      () => recorder.record(op, Math.max(0, performance.now() - scheduled)),
      (error: unknown) => recorder.fail(op, error),
    );
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
  };

  const user = async (index: number) => {
    const random = seededRandom(1000 + index);
    let scheduled = start + random() * userIntervalMs;
    while (scheduled < end) {
      await sleep(scheduled - performance.now());
      const request = nextReadRequest(random, data, options.mix);
      track(request.op, scheduled, driver.read(request));
      scheduled += userIntervalMs;
    }
  };

  // The pipeline: create a letter (status "processing"), mark it processed, and every third letter
  // re-ingest an earlier file of this worker by hash. Paced, like a pipeline bound by OCR and the LLM.
  const writer = async (worker: number) => {
    const interval = 1000 / options.writerOpsPerSecond;
    let scheduled = start + (worker * interval) / options.writers;
    const hashes: string[] = [];
    for (let seq = 0; scheduled < end; seq++) {
      const timed = async <T>(op: string, work: () => Promise<T>): Promise<T | undefined> => {
        await sleep(scheduled - performance.now());
        const began = performance.now();
        scheduled += interval;
        try {
          const result = await work();
          recorder.record(op, performance.now() - began);
          return result;
        } catch (error) {
          recorder.fail(op, error);
          return undefined;
        }
      };
      const hash = `${WRITER_HASH_PREFIX}${runId}-${worker}-${seq}`;
      const id = await timed("write.create", () => driver.create(hash, seq));
      hashes.push(hash);
      if (id !== undefined && scheduled < end) await timed("write.setStatus", () => driver.setStatus(id, "processed"));
      if (seq % 3 === 2 && scheduled < end) {
        const earlier = hashes[Math.floor(hashes.length / 2)]!;
        await timed("write.replaceByFileHash", () => driver.replaceByFileHash(earlier, seq));
      }
    }
  };

  await Promise.all([
    ...Array.from({ length: users }, (_, index) => user(index)),
    ...Array.from({ length: options.writers }, (_, worker) => writer(worker)),
  ]);
  const drained = await Promise.race([Promise.all([...inFlight]).then(() => true), sleep(options.drainTimeoutMs).then(() => false)]);
  const unfinished = drained ? 0 : inFlight.size;
  for (let i = 0; i < unfinished; i++) recorder.fail("unfinished", new Error(`still running ${options.drainTimeoutMs} ms after the schedule ended`));
  loopDelay.disable();
  const eventLoopDelay = { p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6 };
  const cpu = process.cpuUsage(cpuBefore);
  const clientCores = (cpu.user + cpu.system) / 1000 / (performance.now() - start);
  const locks = sampler ? await sampler.stop() : null;
  return { recorder, locks, offeredRate: offered / durationSeconds, unfinished, clientCores, eventLoopDelay };
}
