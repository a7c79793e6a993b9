import { afterAll, afterEach, beforeAll, expect } from "vitest";

/**
 * Listens for `uncaughtException` and `unhandledRejection` on the process during the calling test file,
 * and fails the test during which one happened (an `'error'` event nobody listened to, a rejected promise
 * nobody awaited). Returns the list of what was caught so far.
 */
export function useProcessErrorSpy(): readonly unknown[] {
  const caught: unknown[] = [];
  const onError = (error: unknown) => caught.push(error);
  beforeAll(() => {
    process.on("uncaughtException", onError);
    process.on("unhandledRejection", onError);
  });
  afterEach(() => {
    const seen = caught.splice(0);
    expect(seen, "uncaught exceptions or unhandled rejections during the test").toEqual([]);
  });
  afterAll(() => {
    process.off("uncaughtException", onError);
    process.off("unhandledRejection", onError);
  });
  return caught;
}
