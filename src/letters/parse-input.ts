import type { z } from "zod";
import { ValidationError, type ValidationIssue } from "../errors.ts";

/**
 * Validates `value` against `schema` and returns the parsed value, or throws a {@link ValidationError}
 * listing every invalid field by path. Runs before any query, so invalid input never reaches the database.
 *
 * @throws {ValidationError} when `value` does not match `schema`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, subject: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.flatMap((issue) => toValidationIssues(issue, [])), subject);
}

type Issue = z.core.$ZodIssue;

function toValidationIssues(issue: Issue, prefix: PropertyKey[]): ValidationIssue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: formatPath([...path, key]), message: "is not a known field" }));
  }
  if (issue.code === "invalid_union") {
    // Report the branch that got furthest (deepest issue path), so a bad value inside a union is named precisely.
    const branches = issue.errors.map((branch) => branch.flatMap((inner) => toValidationIssues(inner, path)));
    const deepest = [...branches].sort((left, right) => depth(right) - depth(left))[0];
    if (deepest !== undefined && depth(deepest) > path.length) return deepest;
    const messages = [...new Set(branches.flat().map((inner) => inner.message))];
    if (messages.length > 0) return [{ path: formatPath(path), message: messages.join("; or ") }];
  }
  return [{ path: formatPath(path), message: issue.message }];
}

function depth(issues: ValidationIssue[]): number {
  return Math.max(0, ...issues.map((issue) => (issue.path === "" ? 0 : issue.path.split(".").length)));
}

function formatPath(path: PropertyKey[]): string {
  return path.map((segment) => String(segment)).join(".");
}
