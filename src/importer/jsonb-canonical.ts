/**
 * PostgreSQL's `jsonb` output for a JSON text, computed in JavaScript: what `jsonb_out` prints after
 * `jsonb_in` parsed it. Used two ways: to find JSON that PostgreSQL would refuse (before it aborts a COPY),
 * and as the canonical form the verification checksum compares with what PostgreSQL stores.
 *
 * jsonb keeps values, not text: numbers become `numeric` (`1E2` → `100`, `1.50` stays `1.50`, `-0` → `0`),
 * object keys are sorted by byte length then bytes, the last of duplicate keys wins, escapes are decoded
 * and strings re-escaped as `escape_json` does, and separators are `", "` and `": "`.
 */

/** Why PostgreSQL would refuse a JSON text. */
export class JsonbRefusal extends Error {
  override readonly name = "JsonbRefusal";
}

/** PostgreSQL's NUMERIC_MAX_PRECISION: larger decimal exponents are refused. */
const MAX_EXPONENT = 1000;
/** PostgreSQL's NUMERIC_DSCALE_MAX. */
const MAX_DISPLAY_SCALE = 0x3fff;
/**
 * Deepest nesting of arrays and objects copied. PostgreSQL's own limit depends on `max_stack_depth`
 * (about 6,000 levels at its default), and this recursive parser would exhaust JavaScript's stack
 * first; deeper documents are rejected rows, as they are for `LetterRepository`.
 */
export const MAX_JSON_DEPTH = 1000;

/**
 * Returns the text PostgreSQL's jsonb would print for `text`.
 *
 * @throws {JsonbRefusal} when PostgreSQL would refuse it as jsonb, naming why.
 */
export function canonicalJsonb(text: string): string {
  return parse(text, true);
}

/**
 * Checks that PostgreSQL would accept `text` as jsonb, exactly as {@link canonicalJsonb} does, without
 * building the canonical text (the import's load pass; the checksum pass builds it).
 *
 * @throws {JsonbRefusal} when PostgreSQL would refuse it as jsonb, naming why.
 */
export function validateJsonb(text: string): void {
  parse(text, false);
}

function parse(text: string, build: boolean): string {
  const parser = new Parser(text, build);
  parser.skipSpace();
  const value = parser.value(0);
  parser.skipSpace();
  if (parser.at < text.length) parser.fail("unexpected text after the JSON value");
  return value;
}

const NUMBER = /-?(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?/y;

/** UTF-8 length of a key, and whether it holds a surrogate (where UTF-16 order differs from byte order). */
function keyShape(key: string): { bytes: number; surrogate: boolean } {
  let bytes = 0;
  let surrogate = false;
  for (let index = 0; index < key.length; index++) {
    const code = key.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdfff) {
      surrogate = true;
      bytes += 2; // each half of a pair: 4 bytes for the pair (lone halves are refused by the parser)
    } else bytes += 3;
  }
  return { bytes, surrogate };
}

/** The member order of a jsonb object: by UTF-8 byte length, then by bytes. Returns indexes into `keys`. */
function sortKeys(keys: readonly string[]): number[] {
  const order = keys.map((_, index) => index);
  if (keys.length < 2) return order;
  const shapes = keys.map(keyShape);
  return order.sort((a, b) => {
    const left = shapes[a]!;
    const right = shapes[b]!;
    if (left.bytes !== right.bytes) return left.bytes - right.bytes;
    const x = keys[a]!;
    const y = keys[b]!;
    // UTF-16 order equals UTF-8 byte order unless a surrogate pair meets a character above U+E000.
    if (!left.surrogate && !right.surrogate) return x < y ? -1 : x > y ? 1 : 0;
    return Buffer.compare(Buffer.from(x, "utf8"), Buffer.from(y, "utf8"));
  });
}

/** A JSON parser that refuses what PostgreSQL's jsonb refuses; with `build`, it returns the canonical text, else "". */
class Parser {
  at = 0;
  constructor(
    private readonly text: string,
    private readonly build: boolean,
  ) {}

  fail(reason: string): never {
    throw new JsonbRefusal(`invalid JSON for PostgreSQL at character ${this.at + 1}: ${reason}`);
  }

  skipSpace(): void {
    const text = this.text;
    for (;;) {
      const code = text.charCodeAt(this.at);
      if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) this.at++;
      else return;
    }
  }

  value(depth: number): string {
    const code = this.text.charCodeAt(this.at);
    if (depth >= MAX_JSON_DEPTH && (code === 0x7b || code === 0x5b)) this.fail(`nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`);
    if (code === 0x7b) return this.object(depth);
    if (code === 0x5b) return this.array(depth);
    if (code === 0x22) {
      const start = this.at;
      const value = this.string();
      if (!this.build) return "";
      // Without a backslash the source text is already escape_json's output (raw control characters are refused).
      return this.plainString ? this.text.slice(start, this.at) : escapeJson(value);
    }
    if (code === 0x2d || (code >= 0x30 && code <= 0x39)) return this.number();
    const literal = code === 0x74 ? "true" : code === 0x66 ? "false" : code === 0x6e ? "null" : "";
    if (literal !== "" && this.text.startsWith(literal, this.at)) {
      this.at += literal.length;
      return literal;
    }
    return this.fail(Number.isNaN(code) ? "unexpected end" : `unexpected ${JSON.stringify(this.text[this.at])}`);
  }

  object(depth: number): string {
    this.at++;
    const keys: string[] = [];
    const quoted: string[] = [];
    const values: string[] = [];
    this.skipSpace();
    if (this.text.charCodeAt(this.at) === 0x7d) {
      this.at++;
      return "{}";
    }
    for (;;) {
      this.skipSpace();
      if (this.text.charCodeAt(this.at) !== 0x22) this.fail("expected a key string");
      const keyStart = this.at;
      const key = this.string();
      const keyText = this.build ? (this.plainString ? this.text.slice(keyStart, this.at) : escapeJson(key)) : "";
      this.skipSpace();
      if (this.text.charCodeAt(this.at) !== 0x3a) this.fail('expected ":"');
      this.at++;
      this.skipSpace();
      const value = this.value(depth + 1);
      if (this.build) {
        // The last of duplicate keys wins.
        const earlier = keys.indexOf(key);
        if (earlier !== -1) {
          keys.splice(earlier, 1);
          quoted.splice(earlier, 1);
          values.splice(earlier, 1);
        }
        keys.push(key);
        quoted.push(keyText);
        values.push(value);
      }
      this.skipSpace();
      const next = this.text.charCodeAt(this.at++);
      if (next === 0x7d) break;
      if (next !== 0x2c) this.fail('expected "," or "}"');
    }
    if (!this.build) return "";
    const order = sortKeys(keys);
    let out = "{";
    for (let index = 0; index < order.length; index++) {
      const member = order[index]!;
      out += `${index === 0 ? "" : ", "}${quoted[member]}: ${values[member]}`;
    }
    return `${out}}`;
  }

  array(depth: number): string {
    this.at++;
    const items: string[] = [];
    this.skipSpace();
    if (this.text.charCodeAt(this.at) === 0x5d) {
      this.at++;
      return "[]";
    }
    for (;;) {
      this.skipSpace();
      const value = this.value(depth + 1);
      if (this.build) items.push(value);
      this.skipSpace();
      const next = this.text.charCodeAt(this.at++);
      if (next === 0x5d) break;
      if (next !== 0x2c) this.fail('expected "," or "]"');
    }
    return `[${items.join(", ")}]`;
  }

  /** Whether the last string parsed had no escape (so its source text is its canonical text). */
  plainString = true;

  string(): string {
    const text = this.text;
    let at = this.at + 1;
    let out = "";
    let runStart = at;
    this.plainString = true;
    for (;;) {
      const code = text.charCodeAt(at);
      if (Number.isNaN(code)) {
        this.at = at;
        this.fail("unterminated string");
      }
      if (code === 0x22) break;
      if (code < 0x20) {
        this.at = at;
        this.fail(`character 0x${code.toString(16).padStart(2, "0")} must be escaped`);
      }
      if (code !== 0x5c) {
        at++;
        continue;
      }
      this.plainString = false;
      out += text.slice(runStart, at);
      const escape = text[at + 1];
      at += 2;
      switch (escape) {
        case '"': out += '"'; break;
        case "\\": out += "\\"; break;
        case "/": out += "/"; break;
        case "b": out += "\b"; break;
        case "f": out += "\f"; break;
        case "n": out += "\n"; break;
        case "r": out += "\r"; break;
        case "t": out += "\t"; break;
        case "u": {
          const unit = this.hex4(at);
          at += 4;
          if (unit === 0) {
            this.at = at;
            throw new JsonbRefusal("JSON contains the escape \\u0000, which PostgreSQL jsonb cannot store (SQLSTATE 22P05)");
          }
          if (unit >= 0xd800 && unit <= 0xdbff) {
            const low = text.startsWith("\\u", at) ? this.hex4(at + 2) : -1;
            if (low < 0xdc00 || low > 0xdfff) {
              this.at = at;
              this.fail("a Unicode high surrogate must be followed by a low surrogate");
            }
            at += 6;
            out += String.fromCharCode(unit, low);
          } else if (unit >= 0xdc00 && unit <= 0xdfff) {
            this.at = at;
            this.fail("a Unicode low surrogate must follow a high surrogate");
          } else {
            out += String.fromCharCode(unit);
          }
          break;
        }
        default:
          this.at = at - 1;
          this.fail(`invalid escape \\${escape ?? ""}`);
      }
      runStart = at;
    }
    out += text.slice(runStart, at);
    this.at = at + 1;
    return out;
  }

  hex4(at: number): number {
    const digits = this.text.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) {
      this.at = at;
      this.fail('"\\u" must be followed by four hexadecimal digits');
    }
    return Number.parseInt(digits, 16);
  }

  number(): string {
    const match = NUMBER;
    match.lastIndex = this.at;
    const found = match.exec(this.text);
    if (found === null) return this.fail("invalid number");
    const after = this.text.charCodeAt(match.lastIndex);
    if ((after >= 0x30 && after <= 0x39) || after === 0x2e || after === 0x65 || after === 0x45) this.fail("invalid number");
    this.at = match.lastIndex;
    return numericText(found[0].startsWith("-"), found[1] as string, found[2] ?? "", found[3] ?? "0", this);
  }
}

/** `numeric_out(numeric_in(token))` for a JSON number split into sign, integer digits, fraction digits, exponent. */
function numericText(negative: boolean, integer: string, fraction: string, exponentText: string, parser: Parser): string {
  const exponent = Number(exponentText);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > MAX_EXPONENT) {
    throw new JsonbRefusal(`number exponent ${exponentText} is beyond PostgreSQL numeric's range (SQLSTATE 22003)`);
  }
  if (exponent === 0 && fraction === "" && (integer.length < 16)) return negative && integer !== "0" ? `-${integer}` : integer;
  const scale = Math.max(0, fraction.length - exponent);
  if (scale > MAX_DISPLAY_SCALE) parser.fail("number has more fraction digits than PostgreSQL numeric allows");
  let digits = (integer + fraction).replace(/^0+/, "");
  const shift = exponent - fraction.length; // value = digits × 10^shift
  if (digits === "") return scale > 0 ? `0.${"0".repeat(scale)}` : "0";
  let text: string;
  if (shift >= 0) {
    text = digits + "0".repeat(shift);
  } else {
    const after = -shift;
    if (digits.length <= after) digits = "0".repeat(after - digits.length + 1) + digits;
    text = `${digits.slice(0, digits.length - after)}.${digits.slice(digits.length - after)}`;
  }
  return negative ? `-${text}` : text;
}

/** PostgreSQL's `escape_json`. */
export function escapeJson(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/["\\\u0000-\u001f]/.test(value)) return `"${value}"`;
  let out = '"';
  for (let index = 0; index < value.length; index++) {
    const char = value[index] as string;
    const code = value.charCodeAt(index);
    if (char === '"') out += '\\"';
    else if (char === "\\") out += "\\\\";
    else if (code >= 0x20) out += char;
    else if (char === "\b") out += "\\b";
    else if (char === "\f") out += "\\f";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else out += `\\u${code.toString(16).padStart(4, "0")}`;
  }
  return `${out}"`;
}
