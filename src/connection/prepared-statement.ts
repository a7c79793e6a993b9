import { createHash } from "node:crypto";

/**
 * Leads the SQL of a statement that may run as a named prepared statement: one whose shape is fixed and
 * whose best plan does not depend on its parameters (a read by primary key, say), so that PostgreSQL's
 * cached plan is as good as a fresh one. Searches must not carry it: their plans depend on the term.
 * Only a comment to the server, and visible in `pg_stat_activity`.
 */
export const PREPARED_STATEMENT_MARKER = "/* se-letters-db: prepared */";

/**
 * At most this many texts get names. The marked statements are a handful (one per `include` combination
 * of the read by id); should a marked text ever vary per call, the texts past this bound run unnamed
 * instead of filling each connection with prepared statements.
 */
export const MAX_PREPARED_STATEMENTS = 64;

const names = new Map<string, string>();

/**
 * The `statementNameGenerator` of the Prisma `pg` adapter: a name derived from the SQL text for statements
 * that start with {@link PREPARED_STATEMENT_MARKER}, so that each connection parses and plans them once;
 * `undefined` (an unnamed statement, planned each time) for every other statement. Equal texts get equal
 * names, and different texts different names (192 bits of SHA-256), as node-postgres requires.
 */
export function preparedStatementName(query: { sql: string }): string | undefined {
  if (!query.sql.startsWith(PREPARED_STATEMENT_MARKER)) return undefined;
  let name = names.get(query.sql);
  if (name === undefined && names.size < MAX_PREPARED_STATEMENTS) {
    // 43 characters, under PostgreSQL's 63-byte limit on names.
    name = `se_letters_${createHash("sha256").update(query.sql).digest("base64url").slice(0, 32)}`;
    names.set(query.sql, name);
  }
  return name;
}
