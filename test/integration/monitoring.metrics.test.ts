import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";
import { describe, expect } from "vitest";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import { renderDatabaseMetrics } from "../../src/monitoring/database-metrics.ts";
import { PROMETHEUS_CONTENT_TYPE } from "../../src/monitoring/prometheus-text.ts";
import { createRepositoryMetrics } from "../../src/monitoring/repository-metrics.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const it = databaseTest(database);

// The exposition format's grammar (text format 0.0.4): what every line must be. The parser below is lenient
// about malformed lines, so each line is also held to the grammar here.
const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{${LABEL}(?:,${LABEL})*\\})? (?:NaN|[+-]Inf|-?\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?)$`);

function families(text: string): Map<string, ParsedFamily> {
  const lines = text.replace(/\n$/, "").split("\n");
  const typed = new Map<string, string>();
  for (const line of lines) {
    const type = /^# TYPE (\S+) (gauge|counter|histogram)$/.exec(line);
    if (type) typed.set(type[1]!, type[2]!);
    else if (!/^# HELP \S+ \S/.test(line)) expect(line, "a sample line of the exposition grammar").toMatch(SAMPLE);
  }
  for (const line of lines.filter((candidate) => !candidate.startsWith("#"))) {
    const name = SAMPLE.exec(line)![1]!;
    const family = typed.has(name) ? name : name.replace(/_(bucket|sum|count)$/, "");
    expect(typed.get(family), `${name} belongs to a family with a # TYPE line`).toBeDefined();
  }
  return new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
}

const value = (family: ParsedFamily | undefined, labels: Record<string, string> = {}) =>
  Number(family?.metrics.find((sample) => JSON.stringify(sample.labels ?? {}) === JSON.stringify(labels))?.value);

describe("renderDatabaseMetrics", () => {
  it("renders the report's numbers, the pool and the repository's calls and latencies in the Prometheus text format, named by its conventions", async ({ db }) => {
    const repositoryMetrics = createRepositoryMetrics();
    const letters = new LetterRepository(db.prisma, { observer: repositoryMetrics.observer });
    const created = await letters.create({ documentName: "metrics.pdf", sourceFilePath: "/metrics.pdf", fileHash: "sha256:metrics" });
    await letters.search({ limit: 5 });
    await letters.search({ limit: 5, status: "processed" });
    await letters.findById(created.id);
    await expect(letters.setStatus(created.id + 1_000, "x")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await database.sql(`CREATE TABLE "metric ""odd"" name" (id int)`); // a label value that needs escaping

    const text = await renderDatabaseMetrics(db, { repositoryMetrics });
    const parsed = families(text);
    for (const [name, family] of parsed) {
      expect(name).toMatch(/^se_letters_db_[a-z_]+$/);
      if (family.type === "COUNTER") expect(name).toMatch(/_total$/);
      expect(family.help).not.toBe("");
    }
    expect(value(parsed.get("se_letters_db_up"))).toBe(1);
    expect(value(parsed.get("se_letters_db_max_connections"))).toBeGreaterThan(0);
    expect(value(parsed.get("se_letters_db_table_live_rows"), { table: "letters" })).toBeGreaterThanOrEqual(0);
    expect(value(parsed.get("se_letters_db_table_live_rows"), { table: 'metric "odd" name' })).toBe(0);
    expect(value(parsed.get("se_letters_db_table_size_bytes"), { table: "letters", part: "indexes" })).toBeGreaterThan(0);
    expect(value(parsed.get("se_letters_db_index_size_bytes"), { table: "letters", index: "letters_pkey" })).toBeGreaterThan(0);
    expect(parsed.get("se_letters_db_index_scans_total")?.type).toBe("COUNTER");
    expect(value(parsed.get("se_letters_db_database_size_bytes"))).toBeGreaterThan(0);
    expect(value(parsed.get("se_letters_db_transaction_id_age"))).toBeGreaterThan(0);
    expect(value(parsed.get("se_letters_db_pool_max_clients"))).toBe(db.config.poolSize);
    expect(value(parsed.get("se_letters_db_pool_clients"), { state: "idle" })).toBeGreaterThanOrEqual(1);
    expect(value(parsed.get("se_letters_db_pool_waiting_requests"))).toBe(0);

    const calls = parsed.get("se_letters_db_repository_calls_total");
    expect(calls?.type).toBe("COUNTER");
    expect(value(calls, { operation: "create", outcome: "ok" })).toBe(1);
    expect(value(calls, { operation: "search", outcome: "ok" })).toBe(2);
    expect(value(calls, { operation: "findById", outcome: "ok" })).toBe(1);
    expect(value(calls, { operation: "setStatus", outcome: "error" })).toBe(1);

    // The parser folds a labelled histogram's series into one, so its samples are read as untyped lines.
    expect(parsed.get("se_letters_db_repository_call_duration_seconds")?.type).toBe("HISTOGRAM");
    const withoutType = text.replace(/^# (HELP|TYPE) se_letters_db_repository_call_duration_seconds .*\n/gm, "");
    // Untyped, each operation's _bucket, _sum and _count lines come out as families of their own: merged by name.
    const untyped = new Map<string, ParsedFamily>();
    for (const family of parsePrometheusTextFormat(withoutType)) {
      const seen = untyped.get(family.name);
      untyped.set(family.name, seen === undefined ? family : { ...seen, metrics: [...seen.metrics, ...family.metrics] });
    }
    const buckets = untyped.get("se_letters_db_repository_call_duration_seconds_bucket")!.metrics.filter((sample) => sample.labels?.operation === "search");
    expect(buckets.map((sample) => sample.labels?.le).at(-1)).toBe("+Inf");
    const counts = buckets.map((sample) => Number(sample.value));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(2);
    expect(value(untyped.get("se_letters_db_repository_call_duration_seconds_count"), { operation: "search" })).toBe(2);
    expect(value(untyped.get("se_letters_db_repository_call_duration_seconds_sum"), { operation: "search" })).toBeGreaterThan(0);
  });

  it("served on /metrics as the README shows, a scrape gets the text with Prometheus' content type", async ({ db }) => {
    const repositoryMetrics = createRepositoryMetrics();
    const letters = new LetterRepository(db.prisma, { observer: repositoryMetrics.observer });
    // The README's handler:
    const server = createServer(async (request, response) => {
      if (request.url !== "/metrics") return void response.writeHead(404).end();
      response.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE });
      response.end(await renderDatabaseMetrics(db, { repositoryMetrics }));
    });
    await new Promise<void>((resolveListen) => server.listen(0, "127.0.0.1", resolveListen));
    try {
      await letters.search({ limit: 1 });
      const scrape = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      expect(scrape.status).toBe(200);
      expect(scrape.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
      const parsed = families(await scrape.text());
      expect(value(parsed.get("se_letters_db_up"))).toBe(1);
      expect(value(parsed.get("se_letters_db_repository_calls_total"), { operation: "search", outcome: "ok" })).toBe(1);
    } finally {
      await new Promise((resolveClose) => server.close(resolveClose));
    }
  });

  it("a server that cannot be reached: se_letters_db_up 0, the pool and repository figures still there, nothing thrown", async () => {
    const closed = await database.connect();
    await closed.close();
    const repositoryMetrics = createRepositoryMetrics();
    repositoryMetrics.observer({ operation: "search", durationSeconds: 0.003, outcome: "ok" });
    const parsed = families(await renderDatabaseMetrics(closed, { repositoryMetrics }));
    expect(value(parsed.get("se_letters_db_up"))).toBe(0);
    expect(parsed.has("se_letters_db_table_live_rows")).toBe(false);
    expect(value(parsed.get("se_letters_db_pool_max_clients"))).toBe(closed.config.poolSize);
    expect(value(parsed.get("se_letters_db_repository_calls_total"), { operation: "search", outcome: "ok" })).toBe(1);
  });

  it("createRepositoryMetrics refuses buckets that are not ascending positive numbers", () => {
    expect(() => createRepositoryMetrics({ buckets: [0.1, 0.05] })).toThrow(/buckets: must be positive finite numbers in ascending order/);
  });
});
