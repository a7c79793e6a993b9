import { describe, expect, it } from "vitest";
import { MAX_PREPARED_STATEMENTS, PREPARED_STATEMENT_MARKER, preparedStatementName } from "../../src/connection/prepared-statement.ts";

describe("preparedStatementName", () => {
  it("names only statements that start with the marker", () => {
    expect(preparedStatementName({ sql: "SELECT 1" })).toBeUndefined();
    expect(preparedStatementName({ sql: ` ${PREPARED_STATEMENT_MARKER} SELECT 1` })).toBeUndefined();
    expect(preparedStatementName({ sql: `${PREPARED_STATEMENT_MARKER} SELECT 1` })).toMatch(/^se_letters_[A-Za-z0-9_-]{32}$/);
  });

  it("gives equal texts equal names and different texts different names, within PostgreSQL's 63 bytes", () => {
    const one = preparedStatementName({ sql: `${PREPARED_STATEMENT_MARKER} SELECT $1` });
    const again = preparedStatementName({ sql: `${PREPARED_STATEMENT_MARKER} SELECT $1` });
    const other = preparedStatementName({ sql: `${PREPARED_STATEMENT_MARKER} SELECT $2` });
    expect(one).toBe(again);
    expect(other).not.toBe(one);
    expect(Buffer.byteLength(one!)).toBeLessThanOrEqual(63);
  });

  it(`names at most ${MAX_PREPARED_STATEMENTS} texts; past that, new texts run unnamed and named ones keep their names`, () => {
    const first = preparedStatementName({ sql: `${PREPARED_STATEMENT_MARKER} SELECT 'bound 0'` });
    for (let index = 1; index < MAX_PREPARED_STATEMENTS * 2; index++) preparedStatementName({ sql: `${PREPARED_STATEMENT_MARKER} SELECT 'bound ${index}'` });
    expect(preparedStatementName({ sql: `${PREPARED_STATEMENT_MARKER} SELECT 'one more'` })).toBeUndefined();
    expect(preparedStatementName({ sql: `${PREPARED_STATEMENT_MARKER} SELECT 'bound 0'` })).toBe(first);
  });
});
