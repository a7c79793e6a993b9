// The parser ships no types: what the metrics tests use of it.
declare module "parse-prometheus-text-format" {
  /** One sample: a gauge's or counter's `value`, or a histogram's `buckets` (by `le`), `count` and `sum`, all as text. */
  export interface ParsedSample {
    readonly labels?: Record<string, string>;
    readonly value?: string;
    readonly buckets?: Record<string, string>;
    readonly count?: string;
    readonly sum?: string;
  }
  /** One metric family. `type` is upper case: `GAUGE`, `COUNTER`, `HISTOGRAM`, `SUMMARY`, `UNTYPED`. */
  export interface ParsedFamily {
    readonly name: string;
    readonly help: string;
    readonly type: string;
    readonly metrics: readonly ParsedSample[];
  }
  /** Parses the Prometheus text exposition format; throws on an invalid line. */
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
