import { parseArgs } from "node:util";
import { createRoles } from "../roles/create-roles.ts";
import { EXIT, UsageError } from "./usage-error.ts";

export const ROLES_USAGE = `Usage:
  se-letters-db roles [--database-url URL] [--json]
      Creates the NOLOGIN roles se_letters_service (read and write rows, no DDL) and se_letters_readonly
      (SELECT only) and grants their rights, by running the package's sql/roles.sql. Run it as the owner of
      the tables after migrate; running it again is harmless. Grant the roles to login roles you create.`;

/** `se-letters-db roles`: parses flags and calls {@link createRoles}. */
export async function runRolesCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { "database-url": { type: "string" }, json: { type: "boolean", default: false } },
  });
  if (positionals.length > 0) throw new UsageError(`unknown argument ${JSON.stringify(positionals[0])} for roles`);
  const result = await createRoles(values["database-url"] === undefined ? {} : { databaseUrl: values["database-url"] });
  if (values.json) {
    out(JSON.stringify(result));
    return EXIT.ok;
  }
  const created = result.created.length === 0 ? "both existed already" : `created ${result.created.join(", ")}`;
  out(`Roles ${result.serviceRole} and ${result.readonlyRole} are ready (${created}); their rights are granted in this database.`);
  out(`Give them to login roles, e.g. CREATE ROLE letters_api LOGIN PASSWORD '…' IN ROLE ${result.serviceRole};`);
  return EXIT.ok;
}
