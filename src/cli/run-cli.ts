import { readFileSync } from "node:fs";
import { isDatabaseError, type DatabaseErrorCode } from "../errors.ts";
import { CATALOGUE_USAGE, runCatalogueCommand } from "./catalogue-command.ts";
import { DEMO_USAGE, runDemoCommand } from "./demo-command.ts";
import { EXPORT_USAGE, runExportCommand } from "./export-command.ts";
import { IMPORT_EXIT, IMPORT_USAGE, runImportCommand } from "./import-command.ts";
import { MIGRATE_USAGE, runMigrateCommand } from "./migrate-command.ts";
import { REHEARSE_USAGE, runRehearseCommand } from "./rehearse-command.ts";
import { ROLES_USAGE, runRolesCommand } from "./roles-command.ts";
import { STATS_USAGE, runStatsCommand } from "./stats-command.ts";
import { STATUS_USAGE, runStatusCommand } from "./status-command.ts";
import { CHECK_USAGE, runCheckCommand } from "./check-command.ts";
import { cliErrorJson } from "./cli-error-json.ts";
import { EXIT, UsageError } from "./usage-error.ts";
import { VERIFY_USAGE, runVerifyCommand } from "./verify-command.ts";

const USAGE = `se-letters-db: the SE Letters PostgreSQL database.

${MIGRATE_USAGE}

${STATUS_USAGE}

${STATS_USAGE}

${CHECK_USAGE}

${ROLES_USAGE}

${IMPORT_USAGE}

${VERIFY_USAGE}

${EXPORT_USAGE}

${REHEARSE_USAGE}

${CATALOGUE_USAGE}

${DEMO_USAGE}

Exit codes: 0 success, 1 failure (the message says what to do), 2 wrong usage; import, verify, export, rehearse and catalogue add 3, 4 and 5 (above).`;

type Command = (args: string[], out: (line: string) => void, err: (line: string) => void) => Promise<number>;

/**
 * Each command, its own usage text (which `se-letters-db COMMAND --help` prints) and the exit code of each
 * package error that says it stopped before writing anything; every other package error exits 1.
 */
const COMMANDS: Record<string, { readonly run: Command; readonly usage: string; readonly exitFor?: Partial<Record<DatabaseErrorCode, number>> }> = {
  migrate: { run: runMigrateCommand, usage: MIGRATE_USAGE },
  status: { run: runStatusCommand, usage: STATUS_USAGE },
  stats: { run: runStatsCommand, usage: STATS_USAGE },
  check: { run: runCheckCommand, usage: CHECK_USAGE },
  roles: { run: runRolesCommand, usage: ROLES_USAGE },
  import: { run: runImportCommand, usage: IMPORT_USAGE, exitFor: { IMPORT_TARGET_NOT_EMPTY: IMPORT_EXIT.targetNotEmpty } },
  verify: { run: runVerifyCommand, usage: VERIFY_USAGE },
  export: { run: runExportCommand, usage: EXPORT_USAGE, exitFor: { EXPORT_TARGET_EXISTS: IMPORT_EXIT.targetNotEmpty } },
  rehearse: { run: runRehearseCommand, usage: REHEARSE_USAGE },
  catalogue: { run: runCatalogueCommand, usage: CATALOGUE_USAGE, exitFor: { CATALOGUE_SYNC_REFUSED: IMPORT_EXIT.badRows } },
  demo: { run: runDemoCommand, usage: DEMO_USAGE },
};

/**
 * The package's version, from the nearest package.json above this file named `@se-letters/db` (two folders
 * up from src/cli/ or dist/cli/, further from a bundle elsewhere in the package).
 */
function packageVersion(): string {
  for (let folder = new URL(".", import.meta.url); ; folder = new URL("..", folder)) {
    try {
      const manifest = JSON.parse(readFileSync(new URL("package.json", folder), "utf8")) as { name?: unknown; version?: unknown };
      if (manifest.name === "@se-letters/db" && typeof manifest.version === "string") return manifest.version;
    } catch {
      // No readable package.json here: look one folder up.
    }
    if (folder.pathname === "/") return "unknown";
  }
}

/**
 * Runs one `se-letters-db` command and returns its exit code. Errors are printed, never thrown; they name
 * the server as user@host:port/database and never show a password.
 */
export async function runCli(argv: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const [command, ...args] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    out(USAGE);
    return EXIT.ok;
  }
  if (command === "--version" || command === "-v" || command === "version") {
    out(packageVersion());
    return EXIT.ok;
  }
  if (command === undefined) {
    err("No command given: se-letters-db migrate|status|stats|check|roles|import|verify|export|rehearse|catalogue|demo (see se-letters-db --help).");
    return EXIT.usage;
  }
  const entry = COMMANDS[command];
  if (entry === undefined) {
    err(`Unknown command ${JSON.stringify(command)}: se-letters-db migrate|status|stats|check|roles|import|verify|export|rehearse|catalogue|demo (see se-letters-db --help).`);
    return EXIT.usage;
  }
  // With --json, stdout holds JSON whatever happens: a failure is {"error":{"code","message"}} there too.
  const failed = (code: string, message: string, exitCode: number): number => {
    if (args.includes("--json")) out(cliErrorJson(code, message));
    err(message);
    return exitCode;
  };
  try {
    if (args.includes("--help") || args.includes("-h")) {
      out(entry.usage);
      return EXIT.ok;
    }
    return await entry.run(args, out, err);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: unknown }).code?.toString().startsWith("ERR_PARSE_ARGS")) {
      return failed("USAGE", `${firstLine((error as Error).message)} (see se-letters-db ${command} --help)`, EXIT.usage);
    }
    if (isDatabaseError(error)) return failed(error.code, `Error: ${error.message}`, entry.exitFor?.[error.code] ?? EXIT.failure);
    return failed("UNEXPECTED", `Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, EXIT.failure);
  }
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? text;
}
