import { ValidationError } from "../errors.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { LetterRepositoryClient } from "../letters/letter-repository.ts";
import type { ProductMatchRecord } from "../letters/letter-types.ts";
import { MATCH_COLUMNS } from "../letters/letter-with-children-query.ts";
import { withMappedErrors } from "../map-database-error.ts";
import type { CatalogueRow } from "./catalogue-columns.ts";
import type { ProductCatalogue } from "./product-catalogue.ts";

/** A letter's match with the catalogue row of its `ibcatalogueProductIdentifier`. */
export interface EnrichedMatch extends ProductMatchRecord {
  /** The catalogue row, or `null` when the catalogue has no product with that identifier. */
  readonly product: CatalogueRow | null;
  /** `true` when the catalogue has no product with that identifier (then `product` is `null`). */
  readonly missing: boolean;
}

/**
 * The matches given (e.g. `letter.matches` from `getById(id, { matches: true })`), each with its catalogue
 * row or the `missing` marker, in the order given: one catalogue query, no PostgreSQL query.
 */
export async function enrichMatches(catalogue: ProductCatalogue, matches: readonly ProductMatchRecord[]): Promise<EnrichedMatch[]> {
  const { items } = await catalogue.findByIdentifiers(matches.map((match) => match.ibcatalogueProductIdentifier));
  return matches.map((match, index) => {
    const product = items[index]?.product ?? null;
    return { ...match, product, missing: product === null };
  });
}

/**
 * The matches of one letter (in id order), each with its catalogue row or the `missing` marker: one
 * PostgreSQL query and one catalogue query, whatever the number of matches. A letter that does not exist
 * has none: `[]`.
 *
 * @throws {ValidationError} when `letterId` is not a positive whole number.
 * @example
 * const matches = await enrichLetterMatches(db.prisma, catalogue, 42);
 * for (const match of matches) console.log(match.ibcatalogueProductIdentifier, match.missing ? "not in the catalogue" : match.product);
 */
export async function enrichLetterMatches(client: LetterRepositoryClient, catalogue: ProductCatalogue, letterId: number): Promise<EnrichedMatch[]> {
  checkLetterId(letterId, "letterId");
  return (await enrichLettersMatches(client, catalogue, [letterId])).get(letterId) ?? [];
}

/**
 * The matches of a page of letters, each with its catalogue row or the `missing` marker, by letter id (every
 * id given is a key, in the order given; `[]` for a letter without matches): one PostgreSQL query and one
 * catalogue query for the whole page.
 *
 * @throws {ValidationError} naming `letterIds.N` when an id is not a positive whole number.
 */
export async function enrichLettersMatches(
  client: LetterRepositoryClient,
  catalogue: ProductCatalogue,
  letterIds: readonly number[],
): Promise<Map<number, EnrichedMatch[]>> {
  if (!Array.isArray(letterIds)) throw new ValidationError([{ path: "letterIds", message: "must be an array of letter ids" }], "enrichment");
  letterIds.forEach((id, index) => checkLetterId(id, `letterIds.${index}`));
  const result = new Map<number, EnrichedMatch[]>(letterIds.map((id) => [id, []]));
  if (letterIds.length === 0) return result;
  const columns = Object.entries(MATCH_COLUMNS).map(([field, column]) => Prisma.raw(`${column} AS "${field}"`));
  const matches = await withMappedErrors(() =>
    client.$queryRaw<ProductMatchRecord[]>(
      Prisma.sql`SELECT ${Prisma.join(columns)} FROM letter_product_matches WHERE letter_id = ANY(${[...new Set(letterIds)]}::int[]) ORDER BY letter_id, id`,
    ),
  );
  for (const match of await enrichMatches(catalogue, matches)) result.get(match.letterId)?.push(match);
  return result;
}

function checkLetterId(id: unknown, path: string): void {
  if (typeof id !== "number" || !Number.isInteger(id) || id < 1 || id > 2_147_483_647) {
    throw new ValidationError([{ path, message: "must be a whole number from 1 to 2147483647" }], "enrichment");
  }
}
