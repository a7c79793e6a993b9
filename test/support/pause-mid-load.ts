/**
 * An `onProgress` for a child process of a kill test: once rows of `letter_products` are being loaded, it
 * says "paused" on stdout and blocks (for at most two minutes), so that the parent can kill the process in
 * the middle of the write.
 */
export function pauseWhileLoadingLetterProducts(): (progress: { phase: string; table?: string; rowsRead?: number }) => void {
  let paused = false;
  return (progress) => {
    if (!paused && progress.phase === "load" && progress.table === "letter_products" && (progress.rowsRead ?? 0) > 0) {
      paused = true;
      process.stdout.write("paused\n");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
    }
  };
}
