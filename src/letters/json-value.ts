import { z } from "zod";
import { textProblem } from "./postgres-text.ts";

/** A JSON value, as stored in the jsonb columns. `null` here is JSON `null`, not SQL NULL. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * zod schema of a JSON value that PostgreSQL's jsonb accepts: strings and keys without NUL characters or lone surrogates, finite
 * numbers, booleans, `null`, arrays and plain objects of those (a property set to `undefined` is left
 * out, as `JSON.stringify` does). Each problem is reported at its own
 * path inside the value (`rawGrokJson.pages.3.score`).
 */
export const jsonValueSchema = z.custom<JsonValue>().superRefine((value, context) => {
  for (const problem of jsonProblems(value, [], new Set())) {
    context.addIssue({ code: "custom", path: problem.path, message: problem.message });
  }
});

interface JsonProblem {
  path: (string | number)[];
  message: string;
}

function jsonProblems(value: unknown, path: (string | number)[], ancestors: Set<object>): JsonProblem[] {
  switch (typeof value) {
    case "string": {
      const problem = textProblem(value);
      return problem === null ? [] : [{ path, message: `JSON strings ${problem}` }];
    }
    case "number":
      return Number.isFinite(value) ? [] : [{ path, message: "must be a finite number (JSON has no NaN or Infinity)" }];
    case "boolean":
      return [];
    case "object": {
      if (value === null) return [];
      if (ancestors.has(value)) return [{ path, message: "is circular: JSON cannot hold a reference to itself" }];
      const prototype: unknown = Object.getPrototypeOf(value);
      if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) {
        return [{ path, message: `must be a JSON value: a plain object, array, string, number, boolean or null, not a ${value.constructor.name}` }];
      }
      ancestors.add(value);
      const problems = Array.isArray(value)
        ? value.flatMap((item, index) => jsonProblems(item, [...path, index], ancestors))
        : Object.entries(value).flatMap(([key, item]) =>
            // An undefined property is left out, as JSON.stringify does.
            item === undefined
              ? []
              : textProblem(key) !== null
              ? [{ path: [...path, key], message: `JSON keys ${textProblem(key)}` }]
              : jsonProblems(item, [...path, key], ancestors),
          );
      ancestors.delete(value);
      return problems;
    }
    default:
      return [{ path, message: `must be a JSON value, not ${typeof value}` }];
  }
}
