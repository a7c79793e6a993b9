// Child process for the killed-export test: exports with the options given as JSON in argv[2] and, once
// letter_products is being written (after its first batch), says "paused" and blocks, so the parent can kill
// it in the middle of the write.
import { exportToDuckDb } from "../../src/importer/index.ts";
import { pauseWhileLoadingLetterProducts } from "./pause-mid-load.ts";

const options = JSON.parse(process.argv[2] as string) as { to: string; databaseUrl: string };
await exportToDuckDb({ ...options, env: {}, batchRows: 100, onProgress: pauseWhileLoadingLetterProducts() });
process.stdout.write("finished\n");
