import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CHECK_DEFAULTS, resolveCheckThresholds, type CheckThresholds, type ResolvedCheckThresholds } from "../monitoring/check-thresholds.ts";
import { isDatabaseError } from "../errors.ts";
import { integerFlag } from "./stats-command.ts";
import { EXIT, UsageError } from "./usage-error.ts";

type ThresholdName = keyof typeof CHECK_DEFAULTS;

/** `maxConnectionUse` → `max-connection-use`: each threshold's flag. */
const flagOf = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
const THRESHOLD_NAMES = Object.keys(CHECK_DEFAULTS) as ThresholdName[];

/** The usage text of `se-letters-db check`: every threshold flag with its default, and the exit codes. */
export const CHECK_USAGE = `Usage:
  se-letters-db check [--database-url URL] [--migrations-dir DIR] [--thresholds FILE.json] [--THRESHOLD VALUE]...
                      [--schema NAME] [--statement-timeout MS] [--json] [--quiet]
      Evaluates alert thresholds and prints each breach on one line ("BREACH check subject: message"), then
      notices (unused indexes, statement statistics off; never a breach). For cron, a probe or an agent.
      Thresholds (defaults; a flag overrides the --thresholds file, whose keys are the camelCase names):
${THRESHOLD_NAMES.map((name) => `        --${flagOf(name).padEnd(34)} ${CHECK_DEFAULTS[name]}`).join("\n")}
      Also breached: pending, failed or edited migrations; an unreachable server; a part of the report that
      could not be read. --json prints {"version":1,"healthy",...,"breaches":[...]}; --quiet prints breaches only.
      Exit codes: 0 no breach, 1 a threshold breached (or the server unreachable), 2 wrong usage.`;

/** `se-letters-db check`: evaluates the thresholds, prints each breach, exits 1 when any. */
export async function runCheckCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      "database-url": { type: "string" },
      "migrations-dir": { type: "string" },
      thresholds: { type: "string" },
      schema: { type: "string" },
      "statement-timeout": { type: "string" },
      json: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      ...Object.fromEntries(THRESHOLD_NAMES.map((name) => [flagOf(name), { type: "string" as const }])),
    },
  });
  const given = values as Record<string, string | boolean | undefined>;
  const thresholds = checkThresholds(values.thresholds, given);
  const statementTimeoutMs = values["statement-timeout"] === undefined ? undefined : integerFlag("--statement-timeout", values["statement-timeout"]);
  const { connectDatabase } = await import("../client/database-client.ts");
  const { checkDatabase, unreachableResult } = await import("../monitoring/check-database.ts");

  let result;
  let db;
  try {
    db = await connectDatabase({
      ...(values["database-url"] === undefined ? {} : { databaseUrl: values["database-url"] }),
      poolSize: 1,
      onPoolError: () => undefined,
    });
  } catch (error) {
    if (!isDatabaseError(error) || error.code !== "DATABASE_UNAVAILABLE") throw error;
    const target = (error as { target?: string }).target ?? "the database";
    const prefix = `Cannot reach PostgreSQL at ${target}: `;
    result = unreachableResult(target, error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message, thresholds);
  }
  if (db !== undefined) {
    try {
      result = await checkDatabase(db, {
        thresholds,
        ...(values["migrations-dir"] === undefined ? {} : { migrationsDirectory: values["migrations-dir"] }),
        ...(values.schema === undefined ? {} : { schema: values.schema }),
        ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs }),
      });
    } finally {
      await db.close();
    }
  }
  if (result === undefined) return EXIT.failure;
  if (values.json) {
    out(JSON.stringify(result));
  } else {
    for (const breach of result.breaches) out(`BREACH ${breach.check}${breach.subject === null ? "" : ` ${breach.subject}`}: ${breach.message}`);
    if (!values.quiet) {
      for (const notice of result.notices) out(`notice: ${notice}`);
      out(result.healthy ? `OK: no threshold breached on ${result.target}.` : `${result.breaches.length} breach${result.breaches.length === 1 ? "" : "es"} on ${result.target}.`);
    }
  }
  return result.healthy ? EXIT.ok : EXIT.failure;
}

/** The thresholds file (if any), then each threshold flag over it, validated: a bad value is a usage error naming it. */
function checkThresholds(file: string | undefined, flags: Record<string, string | boolean | undefined>): ResolvedCheckThresholds {
  let thresholds: CheckThresholds = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new UsageError(`--thresholds ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    try {
      thresholds = JSON.parse(text) as CheckThresholds;
    } catch {
      throw new UsageError(`--thresholds ${file} is not JSON`);
    }
    if (typeof thresholds !== "object" || thresholds === null || Array.isArray(thresholds)) throw new UsageError(`--thresholds ${file} must hold a JSON object`);
  }
  for (const name of THRESHOLD_NAMES) {
    const value = flags[flagOf(name)];
    if (typeof value !== "string") continue;
    const number = Number(value);
    if (value.trim() === "" || Number.isNaN(number)) throw new UsageError(`--${flagOf(name)} needs a number, got ${JSON.stringify(value)}`);
    thresholds = { ...thresholds, [name]: number };
  }
  try {
    return resolveCheckThresholds(thresholds);
  } catch (error) {
    if (!isDatabaseError(error) || error.code !== "VALIDATION_FAILED") throw error;
    const issues = (error as unknown as { issues: { path: string; message: string }[] }).issues;
    throw new UsageError(`invalid thresholds: ${issues.map((issue) => `${issue.path} ${issue.message}`).join("; ")}`);
  }
}
