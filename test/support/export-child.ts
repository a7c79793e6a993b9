// Child process for the killed-export test: exports with the options given as JSON in argv[2] and, once
// letter_products is being written (after its first batch), says "paused" and blocks, so the parent can kill
// it in the middle of the write.
import { exportToDuckDb } from "../../src/importer/index.ts";

const options = JSON.parse(process.argv[2] as string) as { to: string; databaseUrl: string };
let paused = false;
await exportToDuckDb({
  ...options,
  env: {},
  batchRows: 100,
  onProgress(progress) {
    if (!paused && progress.phase === "load" && progress.table === "letter_products" && progress.rowsRead > 0) {
      paused = true;
      process.stdout.write("paused\n");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
    }
  },
});
process.stdout.write("finished\n");
