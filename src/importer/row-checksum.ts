/**
 * Order-independent checksum of a table's rows, computed the same way over the DuckDB side (from the
 * values as the importer sends them, JSON in PostgreSQL's canonical jsonb form) and over PostgreSQL's
 * binary `COPY … TO STDOUT` output. Each field's send-format bytes are hashed (two 32-bit murmur3-style
 * lanes), fields are combined in column order into a row hash, and row hashes are added modulo 2^32 per
 * lane: the sum does not depend on row order but counts every row, duplicates included.
 */
export class TableChecksum {
  rows = 0;
  private sum1 = 0;
  private sum2 = 0;
  private row1 = 0;
  private row2 = 0;

  /** Starts a row. */
  beginRow(): void {
    this.row1 = 0x2545f491;
    this.row2 = 0x6b43a9b5;
  }

  /** Adds a NULL field. */
  nullField(): void {
    this.combine(0x7fffffff, 0x1b873593);
  }

  /** Adds a field holding `buffer[start, end)`. */
  field(buffer: Uint8Array, start: number, end: number): void {
    let h1 = 0x9747b28c ^ (end - start);
    let h2 = 0x3c6ef372 ^ (end - start);
    let at = start;
    for (; at + 4 <= end; at += 4) {
      let k = buffer[at]! | (buffer[at + 1]! << 8) | (buffer[at + 2]! << 16) | (buffer[at + 3]! << 24);
      k = Math.imul(k, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      h1 ^= k;
      h1 = (h1 << 13) | (h1 >>> 19);
      h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
      h2 ^= k;
      h2 = (h2 << 17) | (h2 >>> 15);
      h2 = (Math.imul(h2, 9) + 0x85ebca6b) | 0;
    }
    const tail = end - at;
    if (tail > 0) {
      let k = buffer[at]!;
      if (tail > 1) k ^= buffer[at + 1]! << 8;
      if (tail > 2) k ^= buffer[at + 2]! << 16;
      k = Math.imul(k, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      h1 ^= k;
      h2 ^= Math.imul(k, 0x27d4eb2d);
    }
    this.combine(fmix(h1), fmix(h2));
  }

  private combine(f1: number, f2: number): void {
    this.row1 = Math.imul(((this.row1 << 5) | (this.row1 >>> 27)) ^ f1, 0x9e3779b1);
    this.row2 = Math.imul(((this.row2 << 7) | (this.row2 >>> 25)) ^ f2, 0x85ebca77);
  }

  /** Ends the row and adds it to the table's sum. */
  endRow(): void {
    this.sum1 = (this.sum1 + fmix(this.row1)) >>> 0;
    this.sum2 = (this.sum2 + fmix(this.row2 ^ 0x5bd1e995)) >>> 0;
    this.rows++;
  }

  /** The checksum as 16 hexadecimal digits. */
  digest(): string {
    return this.sum1.toString(16).padStart(8, "0") + this.sum2.toString(16).padStart(8, "0");
  }
}

function fmix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
