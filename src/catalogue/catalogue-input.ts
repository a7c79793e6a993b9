import { ValidationError, type ValidationIssue } from "../errors.ts";
import { CATALOGUE_DEFAULTS } from "./catalogue-options.ts";
import type { CatalogueRangeInput, CatalogueSearchInput } from "./product-catalogue.ts";

/** The identifiers of a lookup, checked. @throws {ValidationError} naming `identifiers` or `identifiers.N`. */
export function checkIdentifiers(identifiers: readonly string[]): readonly string[] {
  if (!Array.isArray(identifiers)) throw new ValidationError([{ path: "identifiers", message: "must be an array of strings" }], "catalogue lookup");
  if (identifiers.length > CATALOGUE_DEFAULTS.maxIdentifiers) {
    throw new ValidationError([{ path: "identifiers", message: `must hold at most ${CATALOGUE_DEFAULTS.maxIdentifiers} identifiers` }], "catalogue lookup");
  }
  const issues: ValidationIssue[] = [];
  identifiers.forEach((identifier, index) => {
    if (typeof identifier !== "string") issues.push({ path: `identifiers.${index}`, message: "must be a string" });
  });
  if (issues.length > 0) throw new ValidationError(issues, "catalogue lookup");
  return identifiers;
}

function checkLimit(limit: unknown, fallback: number, issues: ValidationIssue[]): number {
  if (limit === undefined) return fallback;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > CATALOGUE_DEFAULTS.maxLimit) {
    issues.push({ path: "limit", message: `must be a whole number from 1 to ${CATALOGUE_DEFAULTS.maxLimit}` });
  }
  return limit as number;
}

/** A range lookup's input with its default limit. @throws {ValidationError} naming each invalid field. */
export function checkRangeInput(input: CatalogueRangeInput): Required<Pick<CatalogueRangeInput, "rangeLabel" | "limit">> & { subrangeLabel: string | undefined } {
  const issues: ValidationIssue[] = [];
  if (typeof input?.rangeLabel !== "string") issues.push({ path: "rangeLabel", message: "must be a string" });
  if (input?.subrangeLabel !== undefined && typeof input.subrangeLabel !== "string") issues.push({ path: "subrangeLabel", message: "must be a string" });
  const limit = checkLimit(input?.limit, CATALOGUE_DEFAULTS.rangeLimit, issues);
  if (issues.length > 0) throw new ValidationError(issues, "catalogue range lookup");
  return { rangeLabel: input.rangeLabel, subrangeLabel: input.subrangeLabel, limit };
}

/**
 * A search's input with its default limit, and its term as LIKE patterns (`%`, `_` and `\` escaped with `\`).
 *
 * @throws {ValidationError} naming each invalid field.
 */
export function checkSearchInput(input: CatalogueSearchInput): { prefix: string; contains: string; limit: number } {
  const issues: ValidationIssue[] = [];
  if (typeof input?.term !== "string" || input.term.trim() === "") issues.push({ path: "term", message: "must be a non-blank string" });
  else if (input.term.length > 200) issues.push({ path: "term", message: "must be at most 200 characters" });
  const limit = checkLimit(input?.limit, CATALOGUE_DEFAULTS.searchLimit, issues);
  if (issues.length > 0) throw new ValidationError(issues, "catalogue search");
  const escaped = input.term.replace(/[\\%_]/g, (character) => `\\${character}`);
  return { prefix: `${escaped}%`, contains: `%${escaped}%`, limit };
}

/** The lookup's answer: one item per identifier given, and the unknown ones once each. */
export function lookupResult<R>(identifiers: readonly string[], found: ReadonlyMap<string, R>): { items: { identifier: string; product: R | null }[]; missing: string[] } {
  const missing = new Set<string>();
  const items = identifiers.map((identifier) => {
    const product = found.get(identifier) ?? null;
    if (product === null) missing.add(identifier);
    return { identifier, product };
  });
  return { items, missing: [...missing] };
}
