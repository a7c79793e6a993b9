import { isDatabaseError } from "../errors.ts";
import { DEMO_USAGE, runDemoCommand } from "./demo-command.ts";
import { IMPORT_USAGE, runImportCommand } from "./import-command.ts";
import { MIGRATE_USAGE, runMigrateCommand } from "./migrate-command.ts";
import { ROLES_USAGE, runRolesCommand } from "./roles-command.ts";
import { STATUS_USAGE, runStatusCommand } from "./status-command.ts";
import { EXIT, UsageError } from "./usage-error.ts";
import { VERIFY_USAGE, runVerifyCommand } from "./verify-command.ts";

const USAGE = `se-letters-db: the SE Letters PostgreSQL database.

${MIGRATE_USAGE}

${STATUS_USAGE}

${ROLES_USAGE}

${IMPORT_USAGE}

${VERIFY_USAGE}

${DEMO_USAGE}

Exit codes: 0 success, 1 failure (the message says what to do), 2 wrong usage; import and verify add 3, 4 and 5 (above).`;

const COMMANDS: Record<string, (args: string[], out: (line: string) => void, err: (line: string) => void) => Promise<number>> = {
  migrate: runMigrateCommand,
  status: runStatusCommand,
  roles: runRolesCommand,
  import: runImportCommand,
  verify: runVerifyCommand,
  demo: runDemoCommand,
};

/**
 * Runs one `se-letters-db` command and returns its exit code. Errors are printed, never thrown; they name
 * the server as user@host:port/database and never show a password.
 */
export async function runCli(argv: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    out(USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const run = COMMANDS[command];
  if (run === undefined) {
    err(`Unknown command ${JSON.stringify(command)}.\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    if (args.includes("--help") || args.includes("-h")) {
      out(USAGE);
      return EXIT.ok;
    }
    return await run(args, out, err);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: unknown }).code?.toString().startsWith("ERR_PARSE_ARGS")) {
      err(`${(error as Error).message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (isDatabaseError(error) || (error instanceof Error && error.name === "EmbeddedPostgresError")) {
      err(`Error: ${error.message}`);
      return EXIT.failure;
    }
    err(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.failure;
  }
}
