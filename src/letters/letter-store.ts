import { Prisma } from "../generated/prisma/client.ts";
import type { JsonValue } from "./json-value.ts";
import type { LetterData } from "./letter-schemas.ts";

/** A client to run queries on: the package's Prisma client or a transaction client of it. */
export type Queryable = Prisma.TransactionClient;

/** `value` without its `undefined` properties (absent and `undefined` mean the same in the inputs). */
export function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

/** Prisma's input for a JSON column: absent for SQL NULL, `Prisma.JsonNull` for JSON `null`, else the value. */
function jsonInput(value: JsonValue | undefined): Prisma.InputJsonValue | typeof Prisma.JsonNull | undefined {
  if (value === undefined) return undefined;
  return value === null ? Prisma.JsonNull : (value as Prisma.InputJsonValue);
}

/**
 * Inserts a validated letter, its products, their matches and its debug steps; returns the letter's
 * id. Runs four statements plus one to reserve product ids, whatever the number of children. Must run
 * inside a transaction, so that a failure leaves nothing behind.
 */
export async function insertLetterGraph(tx: Queryable, data: LetterData): Promise<number> {
  const { products = [], matches = [], debugSteps = [], rawGrokJson, ocrSupplementaryJson, processingStepsJson, validationDetailsJson, ...columns } =
    data;
  const letter = await tx.letter.create({
    data: definedOnly({
      ...columns,
      rawGrokJson: jsonInput(rawGrokJson),
      ocrSupplementaryJson: jsonInput(ocrSupplementaryJson),
      processingStepsJson: jsonInput(processingStepsJson),
      validationDetailsJson: jsonInput(validationDetailsJson),
    }),
    select: { id: true },
  });

  // Reserve the products' ids first, so that each match can name its product's id without relying
  // on the order in which a multi-row INSERT returns rows.
  const productIds =
    products.length === 0
      ? []
      : (
          await tx.$queryRaw<{ id: number }[]>`SELECT nextval(pg_get_serial_sequence('letter_products', 'id'))::int AS id
            FROM generate_series(1, ${products.length}::int)`
        ).map((row) => row.id);
  if (products.length > 0) {
    await tx.letterProduct.createMany({
      data: products.map((product, index) => ({ ...definedOnly(product), id: productIds[index]!, letterId: letter.id })),
    });
  }
  if (matches.length > 0) {
    await tx.letterProductMatch.createMany({
      data: matches.map(({ productIndex, ...match }) => ({ ...definedOnly(match), letterId: letter.id, letterProductId: productIds[productIndex]! })),
    });
  }
  if (debugSteps.length > 0) {
    await tx.processingDebug.createMany({ data: debugSteps.map((step) => ({ ...definedOnly(step), letterId: letter.id })) });
  }
  return letter.id;
}
