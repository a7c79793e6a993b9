import { describe, expect, it } from "vitest";
import { reportedStatementText, STATEMENT_TEXT_LIMIT } from "../../src/monitoring/statement-text.ts";

describe("reportedStatementText", () => {
  it("masks password literals of CREATE/ALTER ROLE, quoted, escaped, doubled or cut off", () => {
    expect(reportedStatementText("ALTER ROLE svc WITH PASSWORD 'hunter2' VALID UNTIL 'infinity'")).toBe("ALTER ROLE svc WITH PASSWORD '***' VALID UNTIL 'infinity'");
    expect(reportedStatementText("create role a login password E'it''s\\'secret'")).toBe("create role a login password '***'");
    expect(reportedStatementText("CREATE ROLE a PASSWORD 'cut-off-by-the-server")).toBe("CREATE ROLE a PASSWORD '***'");
    expect(reportedStatementText("ALTER USER a PASSWORD\n  'x'")).toBe("ALTER USER a PASSWORD '***'");
  });

  it("folds whitespace, keeps other literals, cuts long text with an ellipsis, and passes null through", () => {
    expect(reportedStatementText("SELECT *\n  FROM letters\tWHERE status = 'ok'")).toBe("SELECT * FROM letters WHERE status = 'ok'");
    const long = reportedStatementText(`SELECT ${"x, ".repeat(400)}1`)!;
    expect(long).toHaveLength(STATEMENT_TEXT_LIMIT);
    expect(long.endsWith("…")).toBe(true);
    expect(reportedStatementText(null)).toBeNull();
  });
});
