import { parseArgs } from "node:util";
import { assertLocal } from "./bench-database.ts";

export const DEFAULT_BENCH_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

export interface BenchOptions {
  adminUrl: string;
  letters: number;
  rebuild: boolean;
  duration: number;
  scenarios: string[];
  setups: ("ours" | "seeds")[];
  poolSize: number;
  writers: number;
  writerOpsPerSecond: number;
  saturationStepSeconds: number;
  iterations: number;
  /** Ours: run the read by id as a prepared statement (the package's default), for an A/B. */
  preparedStatements: boolean;
}

const USAGE = `options: --letters N (1000000) --rebuild --duration S (60) --scenario users50,users50deep,users200,saturation
  (or replica1: 50 users on the bench's own primary alone, then with one streaming replica; builds both)
  --setup ours,seeds --pool-size N (20) --writers N (4) --writer-rate OPS/S per writer (10)
  --step-seconds S (saturation step, 15) --iterations N (bench:search, per operation, 40)
  --prepared-statements true|false (ours, default true)`;

/** Strict flags: an unknown one is an error. BENCH_DATABASE_URL names the server (127.0.0.1 only). */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      letters: { type: "string", default: "1000000" },
      rebuild: { type: "boolean", default: false },
      duration: { type: "string", default: "60" },
      scenario: { type: "string", default: "users50,users50deep,users200,saturation" },
      setup: { type: "string", default: "ours,seeds" },
      "pool-size": { type: "string", default: "20" },
      writers: { type: "string", default: "4" },
      "writer-rate": { type: "string", default: "10" },
      "step-seconds": { type: "string", default: "15" },
      iterations: { type: "string", default: "40" },
      "prepared-statements": { type: "string", default: "true" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const positive = (name: string, text: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer\n${USAGE}`);
    return value;
  };
  const adminUrl = process.env["BENCH_DATABASE_URL"] ?? DEFAULT_BENCH_URL;
  assertLocal(adminUrl);
  const setups = values.setup.split(",").map((setup) => {
    if (setup !== "ours" && setup !== "seeds") throw new Error(`--setup takes ours and/or seeds\n${USAGE}`);
    return setup;
  });
  const prepared = values["prepared-statements"];
  if (prepared !== "true" && prepared !== "false") throw new Error(`--prepared-statements takes true or false\n${USAGE}`);
  return {
    adminUrl,
    letters: positive("letters", values.letters),
    rebuild: values.rebuild,
    duration: positive("duration", values.duration),
    scenarios: values.scenario.split(","),
    setups,
    poolSize: positive("pool-size", values["pool-size"]),
    writers: Number(values.writers),
    writerOpsPerSecond: positive("writer-rate", values["writer-rate"]),
    saturationStepSeconds: positive("step-seconds", values["step-seconds"]),
    iterations: positive("iterations", values.iterations),
    preparedStatements: prepared === "true",
  };
}
