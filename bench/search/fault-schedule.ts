import { withClient } from "./bench-database.ts";
import type { SoakCluster } from "./soak-cluster.ts";

/** A server restart (`pg_ctl stop -m fast` + `start`) or one `pg_terminate_backend` pass over the bench's sessions. */
export type FaultKind = "restart" | "terminate";

/** A fault and when it is due, in seconds since the soak began. */
export interface PlannedFault {
  kind: FaultKind;
  atSecond: number;
}

/** What happened when a fault ran. Times are seconds since the soak began. */
export interface FaultEvent extends PlannedFault {
  startedAt: number;
  endedAt: number;
  /** What the fault did (durations, sessions ended), or why it failed. */
  detail: string;
}

/** The restart at `restartAt` and the sweep at `terminateAt` of the run (fractions of it), in time order. */
export function planFaults(durationSeconds: number, restartAt: number, terminateAt: number): PlannedFault[] {
  const faults: PlannedFault[] = [
    { kind: "restart", atSecond: Math.round(durationSeconds * restartAt) },
    { kind: "terminate", atSecond: Math.round(durationSeconds * terminateAt) },
  ];
  return faults.sort((a, b) => a.atSecond - b.atSecond);
}

/** Ends every client session of the bench database but its own; returns how many it ended. */
export async function terminateClientBackends(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const result = await client.query<{ ended: number }>(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS ended FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    );
    return result.rows[0]!.ended;
  });
}

/**
 * Runs each fault when it is due (seconds after `origin`, a `performance.now()` value) on the soak's own
 * cluster and bench database, and reports what each did. A fault that fails is reported, not thrown: the
 * load keeps running and the tables show the consequence.
 */
export async function runFaults(faults: readonly PlannedFault[], origin: number, cluster: SoakCluster, benchUrl: string, log: (line: string) => void): Promise<FaultEvent[]> {
  const events: FaultEvent[] = [];
  const since = () => (performance.now() - origin) / 1000;
  for (const fault of faults) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, origin + fault.atSecond * 1000 - performance.now())));
    const startedAt = since();
    log(`fault at ${startedAt.toFixed(1)} s: ${fault.kind === "restart" ? "pg_ctl stop -m fast, pg_ctl start" : "pg_terminate_backend of every client session of the bench database"}`);
    let detail: string;
    try {
      if (fault.kind === "restart") {
        const { stopSeconds, startSeconds, shutdownCheckpoint } = await cluster.restart();
        detail =
          `server down ${(stopSeconds + startSeconds).toFixed(2)} s (fast stop ${stopSeconds.toFixed(2)} s${shutdownCheckpoint ? `, its ${shutdownCheckpoint}` : ""}; ` +
          `start until accepting ${startSeconds.toFixed(2)} s)`;
      } else {
        detail = `${await terminateClientBackends(benchUrl)} sessions ended`;
      }
    } catch (error) {
      detail = `FAILED: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
    }
    const endedAt = since();
    log(`fault done at ${endedAt.toFixed(1)} s: ${detail}`);
    events.push({ ...fault, startedAt, endedAt, detail });
  }
  return events;
}
