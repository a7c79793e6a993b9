/**
 * Polls `read` every 200 ms until `done` holds, for at most 10 s (statistics reach shared memory only after
 * a backend flushes them); returns the last value read either way, for the caller's assertion to judge.
 */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 200));
  }
}
