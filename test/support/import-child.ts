// Child process for the killed-import test: imports with the options given as JSON in argv[2] and, once
// the COPY of letter_products is under way, says "paused" and blocks (so the parent can kill it mid-COPY).
import { importDuckDb } from "../../src/importer/index.ts";
import { pauseWhileLoadingLetterProducts } from "./pause-mid-load.ts";

const options = JSON.parse(process.argv[2] as string) as { from: string; databaseUrl: string };
await importDuckDb({ ...options, env: {}, replace: true, onProgress: pauseWhileLoadingLetterProducts() });
process.stdout.write("finished\n");
