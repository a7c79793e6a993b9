import { PREPARED_STATEMENT_MARKER } from "../connection/prepared-statement.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { LetterProduct, LetterProductMatch, ProcessingDebug } from "../generated/prisma/client.ts";
import { LETTER_COLUMNS, toLetterRecord, type LetterRow } from "./letter-row.ts";
import { sqlStateOf } from "../map-database-error.ts";
import type { LetterInclude } from "./letter-schemas.ts";
import type { Queryable } from "./letter-store.ts";
import type { LetterWith } from "./letter-types.ts";

// A letter and its children are read by ONE statement: one round trip, and one snapshot even under READ
// COMMITTED, so a replace or delete committed meanwhile cannot leave the letter with some of its children
// missing. Each child row comes back as the table's own typed columns, which the driver adapter decodes
// exactly as Prisma's findMany does (REAL NaN, -0 and Infinity; timestamps to the millisecond). Its plan
// (primary-key and letter_id lookups) does not depend on the id, so it may run as a prepared statement.

/** Each field of a child model and its column. `satisfies` makes a field added to the schema a compile error here. */
const PRODUCT_COLUMNS = {
  id: "id",
  letterId: "letter_id",
  productIdentifier: "product_identifier",
  rangeLabel: "range_label",
  subrangeLabel: "subrange_label",
  productLine: "product_line",
  productDescription: "product_description",
  obsolescenceStatus: "obsolescence_status",
  endOfServiceDate: "end_of_service_date",
  replacementSuggestions: "replacement_suggestions",
  confidenceScore: "confidence_score",
  validationStatus: "validation_status",
} as const satisfies Record<keyof LetterProduct, string>;

/** Each field of a match and its column (also read by the catalogue's enrichment). */
export const MATCH_COLUMNS = {
  id: "id",
  letterId: "letter_id",
  letterProductId: "letter_product_id",
  ibcatalogueProductIdentifier: "ibcatalogue_product_identifier",
  matchConfidence: "match_confidence",
  matchReason: "match_reason",
  technicalMatchScore: "technical_match_score",
  nomenclatureMatchScore: "nomenclature_match_score",
  productLineMatchScore: "product_line_match_score",
  matchType: "match_type",
  rangeBasedMatching: "range_based_matching",
  createdAt: "created_at",
} as const satisfies Record<keyof LetterProductMatch, string>;

const DEBUG_STEP_COLUMNS = {
  id: "id",
  letterId: "letter_id",
  processingStep: "processing_step",
  stepTimestamp: "step_timestamp",
  stepDurationMs: "step_duration_ms",
  stepSuccess: "step_success",
  stepDetails: "step_details",
  errorMessage: "error_message",
} as const satisfies Record<keyof ProcessingDebug, string>;

interface ChildTable {
  /** The `include` key, and the property of the result. */
  key: keyof LetterInclude;
  table: string;
  /** Its alias in the query; its columns come back as `"<alias>.<field>"`. */
  alias: string;
  columns: Record<string, string>;
}

// Their order is each row's `part` (the letter is 0), which orders the result.
const CHILD_TABLES: readonly ChildTable[] = [
  { key: "products", table: "letter_products", alias: "p", columns: PRODUCT_COLUMNS },
  { key: "matches", table: "letter_product_matches", alias: "m", columns: MATCH_COLUMNS },
  { key: "debugSteps", table: "processing_debug", alias: "d", columns: DEBUG_STEP_COLUMNS },
];

/** A child's `part` in the statement (the letter's is 0). */
const part = (child: ChildTable) => CHILD_TABLES.indexOf(child) + 1;

type ResultRow = LetterRow & { part: number } & Record<string, unknown>;

/**
 * The statement: one driving row per result row (`part` 0 for the letter, then one per child, with that
 * child's id in its own column and NULL in the others), joined to each table by primary key. The letter's
 * columns come once, each child's columns in their own type, and a NULL id costs no index lookup.
 */
function letterWithChildrenQuery(id: number, children: readonly ChildTable[], prepared: boolean): Prisma.Sql {
  const letterId = Prisma.sql`CAST(${id} AS int)`;
  const driver = (child: ChildTable | undefined) => {
    const columns = [
      Prisma.raw(`${child === undefined ? 0 : part(child)} AS part`),
      child === undefined ? Prisma.sql`${letterId} AS letter_id` : Prisma.raw("NULL::int AS letter_id"),
      ...children.map((other) => Prisma.raw(`${other === child ? "id" : "NULL::int"} AS ${other.alias}_id`)),
    ];
    const from = child === undefined ? Prisma.empty : Prisma.sql`FROM ${Prisma.raw(child.table)} WHERE letter_id = ${letterId}`;
    return Prisma.sql`SELECT ${Prisma.join(columns)} ${from}`;
  };
  const drivers = [driver(undefined), ...children.map(driver)];
  const selected = children.flatMap((child) =>
    Object.entries(child.columns).map(([field, column]) => Prisma.raw(`${child.alias}.${column} AS "${child.alias}.${field}"`)),
  );
  const joins = children.map((child) => Prisma.raw(`LEFT JOIN ${child.table} ${child.alias} ON ${child.alias}.id = c.${child.alias}_id`));
  // Within a part only that part's id column is set: ordering by all of them orders each list by id.
  const order = [Prisma.raw("c.part"), ...children.map((child) => Prisma.raw(`c.${child.alias}_id`))];
  return Prisma.sql`${Prisma.raw(prepared ? `${PREPARED_STATEMENT_MARKER} ` : "")}SELECT c.part, ${Prisma.join([LETTER_COLUMNS, ...selected])}
    FROM (${Prisma.join(drivers, " UNION ALL ")}) AS c
    LEFT JOIN letters l ON l.id = c.letter_id
    ${joins.length === 0 ? Prisma.empty : Prisma.join(joins, " ")}
    ORDER BY ${Prisma.join(order)}`;
}

// A prepared statement the connection holds no longer fits: a migration changed the type of a column it
// returns (0A000, "cached plan must not change result type"), or the server no longer has it (26000).
const STALE_PREPARED_STATEMENT = new Set(["0A000", "26000"]);

/**
 * Reads the letter with this id and the children `include` asks for (each list in id order) in one
 * statement, or `null` when there is no such letter. With `prepare` (only outside a transaction, where a
 * failure cannot abort anyone's transaction), the statement may run as a named prepared statement; should
 * the connection's copy be stale, the read runs once more unprepared (the pool has dropped that connection,
 * and the next one prepares it afresh), so a column type changed by a migration does not make it fail.
 */
export async function selectLetterWith<I extends LetterInclude | undefined>(
  client: Queryable,
  id: number,
  include: I,
  prepare = false,
): Promise<LetterWith<I> | null> {
  const children = CHILD_TABLES.filter((child) => include?.[child.key] === true);
  let rows: ResultRow[];
  try {
    rows = await client.$queryRaw<ResultRow[]>(letterWithChildrenQuery(id, children, prepare));
  } catch (error) {
    if (!prepare || !STALE_PREPARED_STATEMENT.has(sqlStateOf(error) ?? "")) throw error;
    rows = await client.$queryRaw<ResultRow[]>(letterWithChildrenQuery(id, children, false));
  }
  const [letterRow] = rows;
  if (letterRow === undefined || letterRow.id === null) return null;

  const result: Record<string, unknown> = { ...toLetterRecord(letterRow) };
  for (const child of children) result[child.key] = [];
  for (const row of rows.slice(1)) {
    const child = CHILD_TABLES[row.part - 1]!;
    const record = Object.fromEntries(Object.keys(child.columns).map((field) => [field, row[`${child.alias}.${field}`]]));
    (result[child.key] as unknown[]).push(record);
  }
  return result as LetterWith<I>;
}
