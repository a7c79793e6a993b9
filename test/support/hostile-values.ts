import fc from "fast-check";

/**
 * fast-check arbitraries of the values a caller may hand to `LetterRepository`, in pairs: what a field
 * must store unchanged, and what it must refuse with a ValidationError. The oracles here restate the
 * documented rules independently of the schemas (`String.prototype.isWellFormed`, `Math.fround`, byte
 * counts), so a property test compares the schemas with the rules rather than with themselves.
 */

/** Text PostgreSQL stores unchanged: no NUL, no lone surrogate. */
export function isStorableText(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed() && !text.includes("\u0000");
}

/** Any string JavaScript can hold: arbitrary UTF-16 code units, lone surrogates and NUL included. */
export const anyCodeUnits = (maxLength = 12) =>
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength });

const awkward = fc.constantFrom("'; DROP TABLE letters; --", "\\", "%_", "$1", "${x}", "\ufeff", "\uffff", "😀", "e\u0301", " padded ", "\u200b", "null", "\t\n");

/** Text that must be stored and read back as given. */
export const storableText = (maxLength = 24) =>
  fc.oneof(fc.string({ unit: "binary", maxLength }), fc.string({ maxLength }), awkward, anyCodeUnits(maxLength)).filter(isStorableText);

/** Non-empty (not only whitespace) text that must be stored as given. */
export const storableRequiredText = (maxLength = 24) => storableText(maxLength).filter((text) => text.trim() !== "");

/** Text PostgreSQL cannot store unchanged: with a NUL or a lone surrogate somewhere. */
export const unstorableText = fc.oneof(
  fc
    .tuple(storableText(8), fc.constantFrom("\u0000", "\ud800", "\udbff", "\udc00", "\udfff", "\ud83d"), storableText(8))
    .map(([before, bad, after]) => `${before}${bad}${after}`),
  anyCodeUnits(16).filter((text) => !isStorableText(text)),
);

/** The longest values an indexed text column takes (exactly 2,000 UTF-8 bytes), in 1- to 4-byte characters. */
export const longestIndexedText = fc.constantFrom("a".repeat(2000), "é".repeat(1000), "€".repeat(666) + "ab", "😀".repeat(500));
/** One byte too many for an indexed text column. */
export const tooLongIndexedText = fc.constantFrom("a".repeat(2001), "é".repeat(1000) + "a", "€".repeat(667), "😀".repeat(500) + "x");

/** Values of the wrong type for any field (strings and numbers excluded). */
export const wrongType = fc.oneof(
  fc.boolean(),
  fc.bigInt(),
  fc.constant(Symbol("s")),
  fc.constant(() => "x"),
  fc.constant([]),
  fc.constant({}),
  fc.constant(new Map()),
  fc.constant(Object.create(null) as object),
);

/** Any JavaScript number, weighted towards the awkward ones. */
export const anyNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.float(),
  fc.constantFrom(
    Number.NaN,
    Infinity,
    -Infinity,
    -0,
    0,
    1,
    -1,
    0.5,
    1.5,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.MAX_SAFE_INTEGER,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31),
    2 ** 53,
    1e-300,
    1e-40,
    2 ** -126,
    2 ** -127,
    3.4028234663852886e38,
    3.4028235677973366e38,
    1e39,
  ),
);

/** REAL's smallest normal and largest finite magnitudes. */
const MIN_REAL = 2 ** -126;

/** Whether a REAL field in [min, max] must take `value` (rounded to float4). */
export function isStorableReal(value: unknown, min: number, max: number): value is number {
  return (
    typeof value === "number" &&
    Number.isFinite(value) &&
    !Object.is(value, -0) &&
    value >= min &&
    value <= max &&
    (value === 0 || Math.abs(value) >= MIN_REAL) &&
    Number.isFinite(Math.fround(value))
  );
}

/** Whether an INTEGER field in [min, max] must take `value`. */
export function isStorableInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** REAL values of at most 6 significant digits in [0, max]: these read back exactly. */
export const sixDigitReal = (max: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: -30, max: 30 }))
    .map(([digits, exponent]) => Number(`${digits}e${exponent}`))
    .filter((value) => isStorableReal(value, 0, max));

/** REAL values that must be taken (rounded to float4), within [0, max]. */
export const storableReal = (max: number) =>
  fc.oneof(sixDigitReal(max), anyNumber.filter((value) => isStorableReal(value, 0, max)), fc.constantFrom(0, MIN_REAL, Math.min(max, 3.4028234663852886e38)));
/** Numbers (and other values) a REAL field in [0, max] must refuse. */
export const unstorableReal = (max: number) => fc.oneof(anyNumber.filter((value) => !isStorableReal(value, 0, max)), wrongType, fc.string());

/** Earliest and latest instants the timestamp fields take. */
export const MIN_DATE = new Date("0001-01-01T00:00:00.000Z");
export const MAX_DATE = new Date("9999-12-31T23:59:59.999Z");

/** Dates the timestamp fields must store exactly. */
export const storableDate = fc.oneof(fc.date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true }), fc.constantFrom(MIN_DATE, MAX_DATE, new Date(0)));
/** Dates (and other values) the timestamp fields must refuse. */
export const unstorableDate = fc.oneof(
  fc.constant(new Date(Number.NaN)),
  fc.date({ max: new Date(MIN_DATE.getTime() - 1), noInvalidDate: true }),
  fc.date({ min: new Date(MAX_DATE.getTime() + 1), noInvalidDate: true }),
  fc.constantFrom(new Date(-8.64e15), new Date(8.64e15), new Date(Date.UTC(-4713, 0, 1)), new Date(MAX_DATE.getTime() + 1)),
  fc.constantFrom("2020-01-01", 0, Date.now()),
);

/** Whether a JSON value must be stored: every string and key storable text, no `__proto__` key. */
export function isStorableJson(value: unknown): boolean {
  if (typeof value === "string") return isStorableText(value);
  if (Array.isArray(value)) return value.every(isStorableJson);
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).every(([key, item]) => key !== "__proto__" && isStorableText(key) && isStorableJson(item));
  }
  return true;
}

/** JSON values that must be stored and read back equal to `JSON.parse(JSON.stringify(value))`. */
export const storableJson = fc
  .oneof(fc.jsonValue({ maxDepth: 4, stringUnit: "binary" }), fc.jsonValue({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 2, stringUnit: anyCodeUnits(1) }))
  .filter(isStorableJson);

/** A value nested `depth` levels deep: arrays and objects alternating around a number. */
export function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? [value] : { k: value };
  return value;
}

/**
 * JSON values a JSON column must store as its whole value: as {@link storableJson}, but a bare number
 * only when rounding it to 16 significant digits keeps it (the Prisma client rounds bare JSON numbers).
 */
export const storedJson = storableJson.filter((value) => typeof value !== "number" || Number(value.toPrecision(16)) === value);

class Point {
  constructor(readonly x = 1) {}
}

/** One value JSON cannot hold as given, to be put somewhere inside a JSON document. */
const unstorableJsonLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(Number.NaN, Infinity, -Infinity),
  fc.bigInt().map((value) => value),
  fc.constant(Symbol("s")),
  fc.constant(() => 1),
  fc.constant(new Date(0)),
  fc.constant(new Map([["a", 1]])),
  fc.constant(new Point()),
  fc.constant(new Uint8Array(2)),
  fc.constant(new String("boxed")),
  unstorableText,
  unstorableText.map((key) => ({ [key]: 1 })),
  fc.constant(null).map(() => JSON.parse('{"__proto__": {"polluted": true}}') as unknown),
  fc.constant(null).map(() => [undefined]),
  // eslint-disable-next-line no-sparse-arrays
  fc.constant(null).map(() => [1, , 3]),
  fc.constant(null).map(() => Object.assign([1], { extra: 2 })),
  fc.constant(null).map(() => ({ [Symbol("key")]: 1, a: 1 })),
  fc.constant(null).map(() => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    return cyclic;
  }),
  fc.constant(null).map(() => nested(1001)),
  fc.constant(null).map(() => nested(100_000)),
);

/** A JSON document with one value it cannot hold somewhere inside (or at its top). */
export const unstorableJson: fc.Arbitrary<unknown> = fc
  .tuple(unstorableJsonLeaf, fc.array(fc.oneof(fc.constant(0), storableText(6)), { maxLength: 4 }), storableJson)
  .map(([leaf, path, sibling]) =>
    path.reduceRight<unknown>((inner, step) => (typeof step === "number" ? [sibling, inner] : { s: sibling, [step === "s" ? "t" : step]: inner }), leaf),
  );

/** DuckDB's TIMESTAMP range in microseconds since 1970: 290309-12-22 BC to 294247-01-10 AD. */
export const DUCKDB_MIN_MICROS = -9_223_372_022_400_000_000n;
export const DUCKDB_MAX_MICROS = 9_223_372_036_854_775_806n;
