import { z } from "zod";
import { parseInput } from "../letters/parse-input.ts";

/** Defaults of {@link ReportOptions}, in one place. */
export const REPORT_DEFAULTS = Object.freeze({
  /** Bound on each statement of the report (and on each lock it waits for), in milliseconds. */
  statementTimeoutMs: 2_000,
  /** How many statements each `pg_stat_statements` list holds. */
  statementLimit: 10,
});

/** Options of `getDatabaseReport` (and of the check and the metrics, which read a report). */
export interface ReportOptions {
  /** The schema whose tables and indexes are reported. Defaults to the session's `current_schema()` (`public`). */
  schema?: string;
  /** Bound on each statement of the report, in milliseconds (100 to 60,000); a section that times out is listed in `problems`. Defaults to 2,000. */
  statementTimeoutMs?: number;
  /** How many statements the slowest and most-time lists hold (1 to 100). Defaults to 10. */
  statementLimit?: number;
}

const reportOptionsSchema = z.strictObject({
  schema: z.string().min(1, "must not be empty").max(63, "must be at most 63 characters").optional(),
  statementTimeoutMs: z.int("must be an integer").min(100, "must be at least 100").max(60_000, "must be at most 60,000").default(REPORT_DEFAULTS.statementTimeoutMs),
  statementLimit: z.int("must be an integer").min(1, "must be at least 1").max(100, "must be at most 100").default(REPORT_DEFAULTS.statementLimit),
});

/** {@link ReportOptions} validated, defaults filled in. */
export type ResolvedReportOptions = Readonly<z.output<typeof reportOptionsSchema>>;

/**
 * Validates report options and fills in the defaults.
 *
 * @throws {ValidationError} naming each invalid option.
 */
export function resolveReportOptions(options: ReportOptions = {}): ResolvedReportOptions {
  return Object.freeze(parseInput(reportOptionsSchema, options, "report options"));
}
