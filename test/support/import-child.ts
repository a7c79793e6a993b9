// Child process for the killed-import test: imports with the options given as JSON in argv[2] and, once
// the COPY of letter_products is under way, says "paused" and blocks (so the parent can kill it mid-COPY).
import { importDuckDb } from "../../src/importer/index.ts";

const options = JSON.parse(process.argv[2] as string) as { from: string; databaseUrl: string };
let paused = false;
await importDuckDb({
  ...options,
  env: {},
  replace: true,
  onProgress(progress) {
    if (!paused && progress.phase === "load" && progress.table === "letter_products" && progress.rowsRead > 0) {
      paused = true;
      process.stdout.write("paused\n");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
    }
  },
});
process.stdout.write("finished\n");
