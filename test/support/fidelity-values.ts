// The awkward values of the importer's fidelity tests, as DuckDB SQL expressions: the import tests check each
// arrives in PostgreSQL exactly, the export tests that each comes back to DuckDB. One list for both.

/** Text values: [name, DuckDB expression]. */
export const TEXTS: [string, string][] = [
  ["control characters", "chr(1) || chr(8) || chr(9) || chr(10) || chr(13) || chr(27) || chr(31) || chr(127)"],
  ["backslashes", "'a\\b\\\\c\\'"],
  ["the literal \\N", "'\\N'"],
  ["quotes and delimiters", `'"q" ''s'' , ; | ' || chr(9) || 'tab'`],
  ["empty string", "''"],
  ["non-BMP Unicode", "'😀 𝄞 𠜎 é ß 中文'"],
];

/** JSON documents: [name, text or SQL NULL]. */
export const JSON_DOCUMENTS: [string, string | null][] = [
  ["SQL NULL", null],
  ["JSON null", "null"],
  ["a number scalar", "42"],
  ["a string scalar", '"text with \\"quotes\\" and \\\\ and \\u00e9 and \\ud83d\\ude00"'],
  ["true", "true"],
  ["numbers beyond double precision", '{"big": 123456789012345678901234567890.123456789012345678901234567890, "exp": 1e400, "small": -1.50E-7, "int": 9007199254740993, "zero": -0}'],
  ["duplicate keys and key order", '{"b": 1, "a": 2, "aa": 3, "b": 4, "é": 5, "z": {"y": [3, 2, 1], "x": null}}'],
  ["deep nesting", `${"[".repeat(300)}{"deep": true}${"]".repeat(300)}`],
  ["a large document", JSON.stringify({ items: Array.from({ length: 20000 }, (_, i) => ({ i, name: `item ${i}`, tags: ["a", "b"], score: i / 7 })) })],
  ["whitespace everywhere", ' { "a" :\n[ 1 ,\t2 ] ,\r\n "b" : { } , "c" : [ ] } '],
];

/** REAL values: [name, DuckDB expression, float4 bits as hex]. */
export const REALS: [string, string, string][] = [
  ["NaN", "'NaN'::REAL", "7fc00000"],
  ["Infinity", "'Infinity'::REAL", "7f800000"],
  ["-Infinity", "'-Infinity'::REAL", "ff800000"],
  ["-0", "'-0'::REAL", "80000000"],
  ["the largest REAL", "3.4028234663852886e38::REAL", "7f7fffff"],
  ["the smallest subnormal", "1.401298464324817e-45::REAL", "00000001"],
  ["0.1", "0.1::REAL", "3dcccccd"],
  ["16777217 (rounded by REAL)", "16777217::REAL", "4b800000"],
];

/** Timestamps: [DuckDB literal, PostgreSQL's text of it]. */
export const TIMESTAMPS: [string, string][] = [
  ["1969-12-31 23:59:59.999999", "1969-12-31 23:59:59.999999"],
  ["1900-01-01 00:00:00.000001", "1900-01-01 00:00:00.000001"],
  ["0001-01-01 00:00:00", "0001-01-01 00:00:00"],
  ["0044-03-15 (BC) 12:00:00", "0044-03-15 12:00:00 BC"],
  ["2024-02-29 12:34:56.123457", "2024-02-29 12:34:56.123457"],
  ["9999-12-31 23:59:59.999999", "9999-12-31 23:59:59.999999"],
  ["infinity", "infinity"],
  ["-infinity", "-infinity"],
];
