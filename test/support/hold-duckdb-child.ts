// Child process holding a DuckDB file open for writing until killed, as the pipeline refreshing the catalogue
// would: it prints "open" once it holds the file's lock.
import { DuckDBInstance } from "@duckdb/node-api";

const instance = await DuckDBInstance.create(process.argv[2] as string);
const connection = await instance.connect();
await connection.run("CREATE TABLE IF NOT EXISTS refresh_marker (refreshed_at TIMESTAMP)");
process.stdout.write("open\n");
setInterval(() => undefined, 1000);
