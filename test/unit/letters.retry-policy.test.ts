import pg from "pg";
import { describe, expect, it } from "vitest";
import { DatabaseUnavailableError, QueryTimeoutError, TransactionConflictError, WriteOutcomeUnknownError } from "../../src/errors.ts";
import { connectionFailureOf } from "../../src/map-database-error.ts";
import { TRANSACTION_ATTEMPTS, readWithRetry, transactionWithRetry, writeOnce } from "../../src/letters/retry-policy.ts";

// Errors as node-postgres raises them: a server error with its SQLSTATE, a socket error, its own messages.
const serverError = (sqlState: string, message: string) => Object.assign(new pg.DatabaseError(message, 0, "error"), { code: sqlState, severity: "ERROR" });
const socketError = (code: string) => Object.assign(new Error(`read ${code}`), { code, errno: -104, syscall: "read" });
const deadlock = () => serverError("40P01", "deadlock detected");
const serializationFailure = () => serverError("40001", "could not serialize access due to concurrent update");

/** A stand-in for `prisma.$transaction`: runs the body, then fails or commits as told. */
function transactionRunner(plan: ("body-fails" | "commit-fails" | "ok")[], failure: () => unknown) {
  let calls = 0;
  const run = async (body: (tx: string) => Promise<string>) => {
    const step = plan[Math.min(calls, plan.length - 1)];
    calls++;
    if (step === "body-fails") throw failure();
    const result = await body("tx");
    if (step === "commit-fails") throw failure();
    return result;
  };
  return { run, calls: () => calls };
}

describe("connectionFailureOf", () => {
  it("tells apart a call that never reached the server, one whose connection broke, and a client timeout", () => {
    expect(connectionFailureOf(new Error("timeout exceeded when trying to connect"))).toBe("acquire-timeout");
    expect(connectionFailureOf(new Error("Connection terminated due to connection timeout"))).toBe("acquire-timeout");
    expect(connectionFailureOf(socketError("ECONNREFUSED"))).toBe("not-sent");
    expect(connectionFailureOf(serverError("57P03", "the database system is starting up"))).toBe("not-sent");
    expect(connectionFailureOf(new Error("Client has encountered a connection error and is not queryable"))).toBe("not-sent");
    expect(connectionFailureOf(socketError("ECONNRESET"))).toBe("lost");
    expect(connectionFailureOf(socketError("EPIPE"))).toBe("lost");
    expect(connectionFailureOf(serverError("57P01", "terminating connection due to administrator command"))).toBe("lost");
    expect(connectionFailureOf(serverError("08006", "connection failure"))).toBe("lost");
    expect(connectionFailureOf(new Error("Connection terminated unexpectedly"))).toBe("lost");
    expect(connectionFailureOf(new Error("Query read timeout"))).toBe("client-timeout");
    expect(connectionFailureOf(serverError("23505", "duplicate key value violates unique constraint"))).toBeUndefined();
    expect(connectionFailureOf(deadlock())).toBeUndefined();
  });
});

describe("transactionWithRetry", () => {
  it(`reruns a transaction aborted by a deadlock or serialization failure, up to ${TRANSACTION_ATTEMPTS} tries`, async () => {
    const runner = transactionRunner(["body-fails", "body-fails", "ok"], serializationFailure);
    await expect(transactionWithRetry("create", runner.run, async () => "stored", TRANSACTION_ATTEMPTS)).resolves.toBe("stored");
    expect(runner.calls()).toBe(3);
  });

  it("gives up with TransactionConflictError naming the SQLSTATE and the attempts", async () => {
    const runner = transactionRunner(["body-fails"], deadlock);
    const error = await transactionWithRetry("create", runner.run, async () => "stored", TRANSACTION_ATTEMPTS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransactionConflictError);
    expect(error).toMatchObject({ code: "TRANSACTION_CONFLICT", sqlState: "40P01", attempts: TRANSACTION_ATTEMPTS });
    expect((error as Error).message).toMatch(/deadlock .* after 4 attempts; nothing of it was kept and it is safe to run again/);
    expect(runner.calls()).toBe(TRANSACTION_ATTEMPTS);
  });

  it("with one attempt (a caller's transaction) never reruns", async () => {
    const runner = transactionRunner(["body-fails", "ok"], deadlock);
    await expect(transactionWithRetry("create", runner.run, async () => "stored", 1)).rejects.toMatchObject({ code: "TRANSACTION_CONFLICT", attempts: 1 });
    expect(runner.calls()).toBe(1);
  });

  it("a connection lost while committing is WriteOutcomeUnknownError; lost before, it is DatabaseUnavailableError; neither is rerun", async () => {
    const atCommit = transactionRunner(["commit-fails", "ok"], () => socketError("ECONNRESET"));
    const error = await transactionWithRetry("createOrReplaceByFileHash", atCommit.run, async () => "stored", TRANSACTION_ATTEMPTS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WriteOutcomeUnknownError);
    expect(error).toMatchObject({ code: "WRITE_OUTCOME_UNKNOWN", operation: "createOrReplaceByFileHash" });
    expect((error as Error).cause).toBeInstanceOf(DatabaseUnavailableError);
    expect(atCommit.calls()).toBe(1);

    const inBody = transactionRunner(["body-fails", "ok"], () => socketError("ECONNRESET"));
    await expect(transactionWithRetry("create", inBody.run, async () => "stored", TRANSACTION_ATTEMPTS)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(inBody.calls()).toBe(1);
  });
});

describe("readWithRetry and writeOnce", () => {
  it("a read whose connection was lost runs once more; a timeout is not retried", async () => {
    let calls = 0;
    const flaky = async () => {
      calls++;
      if (calls === 1) throw serverError("57P01", "terminating connection due to administrator command");
      return "rows";
    };
    await expect(readWithRetry(flaky, true)).resolves.toBe("rows");
    expect(calls).toBe(2);

    let timeouts = 0;
    const poolTimeout = async () => {
      timeouts++;
      throw new Error("timeout exceeded when trying to connect");
    };
    await expect(readWithRetry(poolTimeout, true)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(timeouts).toBe(1);

    let inTransaction = 0;
    const lostInTransaction = async () => {
      inTransaction++;
      throw socketError("ECONNRESET");
    };
    await expect(readWithRetry(lostInTransaction, false)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(inTransaction).toBe(1);
  });

  it("a write that got no answer is WriteOutcomeUnknownError with the timeout as cause; one never sent is DatabaseUnavailableError", async () => {
    const error = await writeOnce("setStatus", async () => {
      throw new Error("Query read timeout");
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "WRITE_OUTCOME_UNKNOWN", operation: "setStatus" });
    expect((error as Error).cause).toBeInstanceOf(QueryTimeoutError);
    expect((error as Error).cause).toMatchObject({ timeout: "client" });
    await expect(
      writeOnce("setStatus", async () => {
        throw socketError("ECONNREFUSED");
      }),
    ).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });
});
