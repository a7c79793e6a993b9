/** Latencies (ms) and errors per operation. A run holds at most tens of thousands of samples: kept raw, sorted once. */
export class LatencyRecorder {
  readonly #samples = new Map<string, number[]>();
  readonly #errors = new Map<string, number>();
  readonly #errorExamples = new Map<string, string>();

  record(op: string, ms: number): void {
    let list = this.#samples.get(op);
    if (!list) this.#samples.set(op, (list = []));
    list.push(ms);
  }

  fail(op: string, error: unknown): void {
    this.#errors.set(op, (this.#errors.get(op) ?? 0) + 1);
    if (!this.#errorExamples.has(op)) {
      const code = (error as { code?: string } | null)?.code;
      const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
      this.#errorExamples.set(op, `${code ? `${code}: ` : ""}${message.slice(0, 120)}`);
    }
  }

  operations(): string[] {
    return [...new Set([...this.#samples.keys(), ...this.#errors.keys()])];
  }

  summary(op: string): OperationSummary {
    return summarize(this.#samples.get(op) ?? [], this.#errors.get(op) ?? 0, this.#errorExamples.get(op));
  }

  /** Every operation whose name passes `filter`, as one. */
  combined(filter: (op: string) => boolean): OperationSummary {
    const ops = this.operations().filter(filter);
    return summarize(
      ops.flatMap((op) => this.#samples.get(op) ?? []),
      ops.reduce((sum, op) => sum + (this.#errors.get(op) ?? 0), 0),
      undefined,
    );
  }
}

export interface OperationSummary {
  /** Completed requests. */
  count: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errorExample: string | undefined;
}

function summarize(samples: number[], errors: number, errorExample: string | undefined): OperationSummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return { count: sorted.length, errors, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN, errorExample };
}
