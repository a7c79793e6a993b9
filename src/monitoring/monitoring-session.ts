import type pg from "pg";
import { mapDatabaseError } from "../map-database-error.ts";

/** Runs one read-only statement of the report and returns its rows. */
export type MonitoringQuery = <R extends pg.QueryResultRow>(sql: string, values?: unknown[]) => Promise<R[]>;

/** A part of the report that could not be read (a timeout, a missing privilege); the rest of the report stands. */
export interface ReportProblem {
  /** The part: `connections`, `lockWaits`, `tables`, `indexes`, `database`, `statements` or `replicas`. */
  readonly section: string;
  /** What went wrong (never a password). */
  readonly message: string;
}

/** What {@link withMonitoringSession} gives its work: a query function and a way to read one section of the report safely. */
export interface MonitoringSession {
  readonly query: MonitoringQuery;
  /**
   * Reads one section in a savepoint: when it fails (its statement timed out, a lock could not be had), the
   * savepoint is rolled back, the problem is recorded and `fallback` returned, so one slow view does not cost
   * the whole report.
   */
  section<T>(name: string, read: () => Promise<T>, fallback: T): Promise<T>;
  /** The problems recorded so far. */
  readonly problems: readonly ReportProblem[];
}

/**
 * Runs `work` on one pooled connection in a READ ONLY transaction whose statements are each bounded by
 * `statement_timeout` and `lock_timeout` (`SET LOCAL`, so the connection goes back to the pool as it
 * came), then rolls the transaction back: the report never writes.
 */
export async function withMonitoringSession<T>(pool: pg.Pool, statementTimeoutMs: number, work: (session: MonitoringSession) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw mapDatabaseError(error);
  }
  let broken: unknown;
  try {
    await client.query("BEGIN READ ONLY");
    // Integers only (validated by the caller): SET does not take parameters.
    await client.query(`SET LOCAL statement_timeout = ${Math.trunc(statementTimeoutMs)}`);
    await client.query(`SET LOCAL lock_timeout = ${Math.trunc(statementTimeoutMs)}`);
    await client.query("SET LOCAL application_name = 'se-letters-db monitoring'");
    const problems: ReportProblem[] = [];
    const query: MonitoringQuery = async (sql, values) => (await client.query(sql, values)).rows;
    let savepoints = 0;
    const session: MonitoringSession = {
      query,
      problems,
      async section(name, read, fallback) {
        const savepoint = `monitoring_${++savepoints}`;
        await client.query(`SAVEPOINT ${savepoint}`);
        try {
          const result = await read();
          await client.query(`RELEASE SAVEPOINT ${savepoint}`);
          return result;
        } catch (error) {
          await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
          problems.push({ section: name, message: sectionFailure(error, statementTimeoutMs) });
          return fallback;
        }
      },
    };
    const result = await work(session);
    await client.query("ROLLBACK");
    return result;
  } catch (error) {
    broken = error;
    throw mapDatabaseError(error);
  } finally {
    // A connection whose transaction may still be open is not handed back to the pool.
    client.release(broken === undefined ? undefined : (broken as Error));
  }
}

/** Why a section failed, in the report's terms: its own time bound, or the package error's message. */
function sectionFailure(error: unknown, statementTimeoutMs: number): string {
  const sqlState = (error as { code?: unknown }).code;
  if (sqlState === "57014" || sqlState === "55P03") {
    return `not read within ${statementTimeoutMs} ms (SQLSTATE ${sqlState}, ${sqlState === "55P03" ? "lock_timeout" : "statement_timeout"}): ` +
      "a lock held on one of its relations (an ALTER TABLE, a VACUUM FULL) or a busy server";
  }
  const mapped = mapDatabaseError(error);
  return mapped instanceof Error ? mapped.message : String(mapped);
}
