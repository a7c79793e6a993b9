import { z } from "zod";
import { textProblem } from "./postgres-text.ts";

/** A JSON value, as stored in the jsonb columns. `null` here is JSON `null`, not SQL NULL. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Deepest nesting of arrays and objects a JSON value may have (the value itself is level 1). */
export const MAX_JSON_DEPTH = 1000;

/**
 * zod schema of a JSON value that is stored and read back unchanged: strings and keys that PostgreSQL
 * text can hold (no NUL, no lone surrogate), finite numbers, booleans, `null`, arrays without holes and
 * plain objects of those, nested at most {@link MAX_JSON_DEPTH} levels. A property set to `undefined`
 * is left out, as `JSON.stringify` does. Refused, because they would be lost or changed on the way:
 * `undefined` in an array, array holes, extra properties on an array, symbol keys, keys named
 * `__proto__` (the Prisma client drops them), class instances (`Date`, `Map`, …), functions, symbols,
 * BigInt and cycles. JSON numbers have no negative zero: `-0` reads back as `0`, as `JSON.stringify`
 * writes it. Each problem is reported at its own path inside the value (`rawGrokJson.pages.3.score`).
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
      if (ancestors.size >= MAX_JSON_DEPTH) return [{ path, message: `is nested deeper than ${MAX_JSON_DEPTH} levels` }];
      const prototype: unknown = Object.getPrototypeOf(value);
      if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) {
        return [{ path, message: `must be a JSON value: a plain object, array, string, number, boolean or null, not a ${describeClass(value)}` }];
      }
      if (Object.getOwnPropertySymbols(value).length > 0) return [{ path, message: "has a symbol key, which JSON cannot hold" }];
      ancestors.add(value);
      const problems = Array.isArray(value) ? arrayProblems(value, path, ancestors) : objectProblems(value, path, ancestors);
      ancestors.delete(value);
      return problems;
    }
    default:
      return [{ path, message: `must be a JSON value, not ${typeof value}` }];
  }
}

function arrayProblems(array: unknown[], path: (string | number)[], ancestors: Set<object>): JsonProblem[] {
  const problems: JsonProblem[] = [];
  let present = 0;
  // A plain loop, not flatMap: flatMap skips holes, which JSON.stringify would turn into null.
  for (let index = 0; index < array.length; index++) {
    if (!(index in array)) {
      problems.push({ path: [...path, index], message: "is a hole (a missing element) of the array, which JSON cannot hold" });
      continue;
    }
    present++;
    problems.push(...jsonProblems(array[index], [...path, index], ancestors));
  }
  const keys = Object.keys(array);
  if (keys.length !== present) {
    const extra = keys.find((key) => !/^(0|[1-9][0-9]*)$/.test(key));
    if (extra !== undefined) problems.push({ path: [...path, extra], message: "is a property of an array, which JSON cannot hold" });
  }
  return problems;
}

function objectProblems(object: object, path: (string | number)[], ancestors: Set<object>): JsonProblem[] {
  return Object.entries(object).flatMap(([key, item]): JsonProblem[] => {
    // An undefined property is left out, as JSON.stringify does.
    if (item === undefined) return [];
    if (key === "__proto__") return [{ path: [...path, key], message: "JSON keys must not be __proto__ (the Prisma client drops them)" }];
    const problem = textProblem(key);
    if (problem !== null) return [{ path: [...path, key], message: `JSON keys ${problem}` }];
    return jsonProblems(item, [...path, key], ancestors);
  });
}

function describeClass(value: object): string {
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? name : "class instance";
}
