/** The `Content-Type` of a `/metrics` reply in the Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Label names and values of one sample. */
export type MetricLabels = Readonly<Record<string, string>>;

/** One sample of a gauge or counter. */
export interface MetricSample {
  readonly labels?: MetricLabels;
  readonly value: number;
}

/** One labelled series of a histogram: cumulative counts per upper bound (without `+Inf`), sum and count. */
export interface HistogramSeries {
  readonly labels?: MetricLabels;
  /** `[upper bound, observations ≤ bound]`, ascending; the `+Inf` bucket is `count`. */
  readonly buckets: readonly (readonly [number, number])[];
  readonly sum: number;
  readonly count: number;
}

/**
 * Writes metric families in the Prometheus text exposition format (version 0.0.4): `# HELP` and `# TYPE`
 * lines, then the samples, label values and help text escaped as the format requires. A family without
 * samples is left out.
 */
export class PrometheusTextWriter {
  readonly #lines: string[] = [];

  /** A gauge family: values that go up and down. */
  gauge(name: string, help: string, samples: readonly MetricSample[]): this {
    return this.#family(name, "gauge", help, samples.map((sample) => sampleLine(name, sample.labels, sample.value)));
  }

  /** A counter family (`name` ends in `_total`): values that only grow, except when their source resets. */
  counter(name: string, help: string, samples: readonly MetricSample[]): this {
    return this.#family(name, "counter", help, samples.map((sample) => sampleLine(name, sample.labels, sample.value)));
  }

  /** A histogram family: `_bucket` series with `le`, then `_sum` and `_count`, per labelled series. */
  histogram(name: string, help: string, series: readonly HistogramSeries[]): this {
    const lines = series.flatMap((one) => [
      ...one.buckets.map(([bound, count]) => sampleLine(`${name}_bucket`, { ...one.labels, le: formatValue(bound) }, count)),
      sampleLine(`${name}_bucket`, { ...one.labels, le: "+Inf" }, one.count),
      sampleLine(`${name}_sum`, one.labels, one.sum),
      sampleLine(`${name}_count`, one.labels, one.count),
    ]);
    return this.#family(name, "histogram", help, lines);
  }

  /** The exposition text, ending with a newline. */
  toString(): string {
    return this.#lines.length === 0 ? "" : `${this.#lines.join("\n")}\n`;
  }

  #family(name: string, type: string, help: string, samples: string[]): this {
    if (samples.length === 0) return this;
    this.#lines.push(`# HELP ${name} ${help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n")}`, `# TYPE ${name} ${type}`, ...samples);
    return this;
  }
}

function sampleLine(name: string, labels: MetricLabels | undefined, value: number): string {
  const entries = Object.entries(labels ?? {});
  const labelText = entries.length === 0 ? "" : `{${entries.map(([label, text]) => `${label}="${escapeLabelValue(text)}"`).join(",")}}`;
  return `${name}${labelText} ${formatValue(value)}`;
}

function escapeLabelValue(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}
