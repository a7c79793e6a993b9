import { parseArgs } from "node:util";

/** Settings of `npm run bench:soak`. */
export interface SoakOptions {
  minutes: number;
  letters: number;
  users: number;
  poolSize: number;
  writers: number;
  writerOpsPerSecond: number;
  /** When the restart and the terminate sweep happen, as fractions of the run. */
  restartAt: number;
  terminateAt: number;
}

const USAGE = `options: --minutes N (10) --letters N (100000; at least 20000, as the deep-page reads start 10,000 rows in) --users N (50) --pool-size N (20) --writers N (4)
  --writer-rate OPS/S per writer (10) --restart-at FRACTION (0.4) --terminate-at FRACTION (0.7)`;

/** Strict flags: an unknown one is an error. */
export function parseSoakOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      minutes: { type: "string", default: "10" },
      letters: { type: "string", default: "100000" },
      users: { type: "string", default: "50" },
      "pool-size": { type: "string", default: "20" },
      writers: { type: "string", default: "4" },
      "writer-rate": { type: "string", default: "10" },
      "restart-at": { type: "string", default: "0.4" },
      "terminate-at": { type: "string", default: "0.7" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const integer = (name: string, text: string, min: number) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min} (got ${text})\n${USAGE}`);
    return value;
  };
  const fraction = (name: string, text: string) => {
    const value = Number(text);
    if (!(value > 0 && value < 1)) throw new Error(`--${name} must be a fraction of the run between 0 and 1 (got ${text})\n${USAGE}`);
    return value;
  };
  const options: SoakOptions = {
    minutes: integer("minutes", values.minutes, 1),
    letters: integer("letters", values.letters, 20_000),
    users: integer("users", values.users, 1),
    poolSize: integer("pool-size", values["pool-size"], 1),
    writers: integer("writers", values.writers, 0),
    writerOpsPerSecond: integer("writer-rate", values["writer-rate"], 1),
    restartAt: fraction("restart-at", values["restart-at"]),
    terminateAt: fraction("terminate-at", values["terminate-at"]),
  };
  if (Math.abs(options.terminateAt - options.restartAt) * options.minutes * 60 < 20) {
    throw new Error(`the restart and the terminate sweep must be at least 20 s apart, to see each recover\n${USAGE}`);
  }
  return options;
}
