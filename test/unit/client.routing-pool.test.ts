import { describe, expect, it } from "vitest";
import { primaryCouldServe } from "../../src/client/routing-pool.ts";

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe("primaryCouldServe: which failures of a replica's read the primary answers instead", () => {
  it("takes the replica's own failures: unreachable, cut, shutting down, starting, full, cancelled by recovery", () => {
    for (const error of [
      withCode("ECONNREFUSED"),
      withCode("ECONNRESET"),
      withCode("EPIPE"),
      new Error("Connection terminated unexpectedly"),
      new Error("timeout exceeded when trying to connect"),
      new Error("Query read timeout"),
      withCode("08006"),
      withCode("57P01"),
      withCode("57P02"),
      withCode("57P03"),
      withCode("53300"),
      withCode("40001"),
    ]) {
      expect(primaryCouldServe(error), String(error.message)).toBe(true);
    }
  });

  it("leaves to the caller what the primary would refuse just the same", () => {
    for (const code of ["57014", "42P01", "22P02", "23505", "25006", "42501"]) expect(primaryCouldServe(withCode(code)), code).toBe(false);
  });
});
