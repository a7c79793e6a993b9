import type pg from "pg";
import { LETTER_SORT_KEYS, type LetterSortKey, type SortOrder } from "../../src/letters/letter-search-schemas.ts";
import { DEFAULT_MAX_OFFSET } from "../../src/letters/offset-page.ts";
import { NO_MATCH_TERM, RANGES } from "./dataset-sql.ts";

/** Filters and sort both setups understand (the seeds' SQL gets the same, in its own shape). */
export interface SearchSpec {
  query?: string;
  status?: string;
  sortBy: LetterSortKey;
  sortOrder: SortOrder;
}

/** A keyset position as `created_at::text`-style text plus id: what our cursors encode. */
export interface DeepPosition {
  spec: SearchSpec;
  /** Rows before the position: the seeds' equivalent page starts at this offset. */
  depth: number;
  value: string | null;
  id: number;
}

/**
 * One web-app request. `op` names its row in the result tables. An offset page `"last"` is what the web
 * app's "last page" link asks for: page -1 for ours, `totalPages` of the latest reply for the seeds.
 */
export type ReadRequest =
  | { op: string; kind: "offset"; spec: SearchSpec; page: number | "last" }
  | { op: string; kind: "cursor"; spec: SearchSpec; position: DeepPosition | null }
  | { op: string; kind: "statistics"; fresh?: boolean }
  | { op: "getById+children"; kind: "getById"; id: number };

/** Page size of every search, the seeds' default. */
export const PAGE_LIMIT = 25;
/** The offset style's deep page: page 40 (offset 975). */
export const DEEP_PAGE = 40;
/** The keyset style's deep position: 10,000 rows in. */
export const DEEP_DEPTH = 10_000;

/** Operations and their weights in a mix. */
export type ReadMix = readonly (readonly [op: string, weight: number])[];

/** The read mix, in requests per 100: the web app's list, search, detail and dashboard calls. */
export const READ_MIX: ReadMix = [
  ["search.rareIdentifier", 15],
  ["search.commonRange", 15],
  ["search.noMatch", 5],
  ["search.statusFilter", 10],
  ["search.sortByKey", 15],
  ["search.deepOffsetPage", 5],
  ["cursor.firstPage", 10],
  ["cursor.deepPage", 10],
  ["statistics", 5],
  ["getById+children", 10],
];

/** The unfiltered deep page users jump to: page 2,000 (offset 49,975). */
export const JUMP_PAGE = 2000;
/** Text sort keys, whose deep pages cost the most to walk to (their index order is not the table's). */
export const TEXT_SORT_KEYS = ["documentName", "documentTitle", "documentType", "status"] as const satisfies readonly LetterSortKey[];

/**
 * Deep and last offset pages: page 2,000 of everything, the last page of everything (any sort), a deep
 * page sorted by a text key (the middle page when search() serves it by number, otherwise the deepest
 * page it serves from the start: page 4,000 of a million letters), the last page of a common term.
 */
export const DEEP_PAGE_OPS = ["search.page2000", "search.lastPage", "search.textKeyDeepPage", "search.termLastPage"] as const;

/** The unfiltered searches whose last page `search.lastPage` asks for: the default order and a text order. */
const LAST_PAGE_SPECS: readonly SearchSpec[] = (["createdAt", "documentName"] as const).flatMap((sortBy) =>
  (["asc", "desc"] as const).map((sortOrder) => ({ sortBy, sortOrder })),
);

/** Every search a `"last"` page request may name: the web app has shown its first page before. */
export function lastPageSpecs(data: WorkloadData): SearchSpec[] {
  return [...LAST_PAGE_SPECS, ...data.commonRangeTerms.map((query): SearchSpec => ({ query, sortBy: "createdAt", sortOrder: "desc" }))];
}

/**
 * Measured one at a time only (bench:search), not in any mix: page 40 (the deepest the default filtered
 * window serves from the start) of a common term sorted by a text key.
 */
export const SEARCH_ONLY_OPS = ["search.termTextKeyPage40"] as const;

/** {@link READ_MIX} with one request in seven a deep or last page (weights 100 + 100/6, split evenly). */
export const DEEP_PAGE_MIX: ReadMix = [...READ_MIX, ...DEEP_PAGE_OPS.map((op) => [op, 100 / 6 / DEEP_PAGE_OPS.length] as const)];

/** mulberry32: a small seeded PRNG, so both setups get the same request sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values sampled from the loaded data (identical in both databases). */
export interface WorkloadData {
  letterCount: number;
  identifierTerms: string[];
  commonRangeTerms: string[];
  deepPositions: DeepPosition[];
}

/** Reads the parameters of the mix from a loaded database. */
export async function loadWorkloadData(client: pg.Client, letterCount: number): Promise<WorkloadData> {
  // Identifiers named in document names; a 7-character piece of one matches a handful of letters.
  const idents = await client.query<{ term: string }>(
    `SELECT substr(split_part(document_name, '_', 1), 2, 7) AS term FROM letters
     WHERE id IN (SELECT (1 + (hashint4(g) & 2147483647) % $1)::int FROM generate_series(1, 300) g)`,
    [letterCount],
  );
  const commonRangeTerms = RANGES.slice(0, 5).flatMap(([name]) => [name, name.toLowerCase()]);
  const specs: SearchSpec[] = [
    { sortBy: "createdAt", sortOrder: "desc" },
    { status: "processed", sortBy: "createdAt", sortOrder: "desc" },
    { query: RANGES[0]![0], sortBy: "createdAt", sortOrder: "desc" },
    { query: RANGES[2]![0], sortBy: "createdAt", sortOrder: "desc" },
    { sortBy: "documentName", sortOrder: "asc" },
    { sortBy: "extractionConfidence", sortOrder: "desc" },
  ];
  const deepPositions: DeepPosition[] = [];
  const columns: Record<string, string> = { createdAt: "created_at", documentName: "document_name", extractionConfidence: "extraction_confidence" };
  for (const spec of specs) {
    const column = columns[spec.sortBy]!;
    const where: string[] = [];
    const values: unknown[] = [];
    if (spec.query) {
      values.push(`%${spec.query}%`);
      where.push(`(document_name ILIKE $1 OR document_title ILIKE $1 OR source_file_path ILIKE $1)`);
    }
    if (spec.status) {
      values.push(spec.status);
      where.push(`status = $${values.length}`);
    }
    // Our order: NULLs first when descending, then values; id breaks ties in the same direction.
    const order = spec.sortOrder === "desc" ? "DESC NULLS FIRST" : "ASC NULLS LAST";
    const row = await client.query<{ value: string | null; id: number }>(
      `SELECT ${column}::text AS value, id FROM letters ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY ${column} ${order}, id ${spec.sortOrder} OFFSET ${DEEP_DEPTH - 1} LIMIT 1`,
      values,
    );
    if (row.rows[0]) deepPositions.push({ spec, depth: DEEP_DEPTH, value: row.rows[0].value, id: row.rows[0].id });
  }
  return { letterCount, identifierTerms: idents.rows.map((row) => row.term), commonRangeTerms, deepPositions };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Draws the next request of `mix` (by default {@link READ_MIX}). */
export function nextReadRequest(random: () => number, data: WorkloadData, mix: ReadMix = READ_MIX): ReadRequest {
  let roll = random() * mix.reduce((sum, [, weight]) => sum + weight, 0);
  let op = mix[0]![0];
  for (const [name, weight] of mix) {
    if (roll < weight) {
      op = name;
      break;
    }
    roll -= weight;
  }
  return requestFor(op, random, data);
}

/** A request of operation `op` of {@link READ_MIX} or {@link DEEP_PAGE_OPS}, its parameters drawn from `random`. */
export function requestFor(op: string, random: () => number, data: WorkloadData): ReadRequest {
  const sortOrder: SortOrder = random() < 0.5 ? "asc" : "desc";
  switch (op) {
    case "search.rareIdentifier":
      return { op, kind: "offset", spec: { query: pick(random, data.identifierTerms), sortBy: "createdAt", sortOrder: "desc" }, page: 1 };
    case "search.commonRange":
      return { op, kind: "offset", spec: { query: pick(random, data.commonRangeTerms), sortBy: "createdAt", sortOrder: "desc" }, page: 1 };
    case "search.noMatch":
      return { op, kind: "offset", spec: { query: NO_MATCH_TERM, sortBy: "createdAt", sortOrder: "desc" }, page: 1 };
    case "search.statusFilter":
      return { op, kind: "offset", spec: { status: pick(random, ["processed", "failed", "pending"]), sortBy: "createdAt", sortOrder: "desc" }, page: 1 };
    case "search.sortByKey":
      return { op, kind: "offset", spec: { sortBy: pick(random, LETTER_SORT_KEYS), sortOrder }, page: 1 };
    case "search.deepOffsetPage": {
      const spec: SearchSpec = random() < 0.5 ? { sortBy: "createdAt", sortOrder: "desc" } : { query: pick(random, data.commonRangeTerms), sortBy: "createdAt", sortOrder: "desc" };
      return { op, kind: "offset", spec, page: DEEP_PAGE };
    }
    case "search.page2000":
      return { op, kind: "offset", spec: { sortBy: "createdAt", sortOrder: "desc" }, page: JUMP_PAGE };
    case "search.lastPage":
      return { op, kind: "offset", spec: pick(random, LAST_PAGE_SPECS), page: "last" };
    case "search.textKeyDeepPage": {
      const middle = Math.ceil(Math.ceil(data.letterCount / PAGE_LIMIT) / 2);
      return { op, kind: "offset", spec: { sortBy: pick(random, TEXT_SORT_KEYS), sortOrder }, page: Math.min(middle, Math.ceil(DEFAULT_MAX_OFFSET / PAGE_LIMIT)) };
    }
    case "search.termTextKeyPage40":
      return { op, kind: "offset", spec: { query: pick(random, data.commonRangeTerms), sortBy: pick(random, TEXT_SORT_KEYS), sortOrder }, page: DEEP_PAGE };
    case "search.termLastPage":
      return { op, kind: "offset", spec: { query: pick(random, data.commonRangeTerms), sortBy: "createdAt", sortOrder: "desc" }, page: "last" };
    case "cursor.firstPage": {
      const spec: SearchSpec =
        random() < 0.5 ? { query: pick(random, data.commonRangeTerms), sortBy: "createdAt", sortOrder: "desc" } : { status: "processed", sortBy: "createdAt", sortOrder: "desc" };
      return { op, kind: "cursor", spec, position: null };
    }
    case "cursor.deepPage": {
      const position = pick(random, data.deepPositions);
      return { op, kind: "cursor", spec: position.spec, position };
    }
    case "statistics":
      return { op, kind: "statistics" };
    default:
      return { op: "getById+children", kind: "getById", id: 1 + Math.floor(random() * data.letterCount) };
  }
}
