import { hash } from 'node:crypto';

/**
 * The dialect-neutral form of a row in a backup: one line of JSON, the values in the order of the
 * table's columns; bytes (SQLite blob, PostgreSQL bytea) as `{"$b": base64}`, numbers as numbers,
 * text as text. The same row read from SQLite or PostgreSQL gives the same line, so a backup from
 * one restores into the other and the checksums compare.
 */
export type RowValue = string | number | null | Buffer | Uint8Array | bigint | boolean;

export function encodeRow(values: readonly RowValue[]): string {
  return JSON.stringify(values.map(encodeValue));
}

function encodeValue(value: RowValue): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { $b: Buffer.from(value).toString('base64') };
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/**
 * A decoder of the JSON lines (version 1) of a table of this many columns. Self-contained (no outside
 * name but its argument and Node's Buffer), as the SQLite load thread runs its source.
 */
export function jsonRowDecoder(columns: number): (line: string) => (string | number | null | Buffer)[] {
  return (line) => {
    const values = JSON.parse(line) as unknown[];
    if (!Array.isArray(values) || values.length !== columns)
      throw new Error(`a row has ${Array.isArray(values) ? values.length : 'no'} values, the table ${columns} columns`);
    return values.map((v) => {
      if (v === null || typeof v === 'string' || typeof v === 'number') return v;
      if (typeof v === 'object' && typeof (v as { $b?: unknown }).$b === 'string') return Buffer.from((v as { $b: string }).$b, 'base64');
      throw new Error('a row holds a value of an unknown kind');
    });
  };
}

export const decodeRow = (line: string, columns: number): (string | number | null | Buffer)[] => jsonRowDecoder(columns)(line);

/** A part of a RowChecksum: the sum of some lines' digests (four 32-bit limbs, big-endian, modulo 2^128) and how many lines. */
export interface LineDigestSum {
  limbs: number[];
  rows: number;
}

/**
 * The RowChecksum part of every line of `text` (lines each ending with a line feed, as a chunk holds
 * them). Self-contained (no outside name but its arguments), as the checksum thread runs its source.
 */
export function sumLineDigests(text: Uint8Array, sha256: (line: Uint8Array) => string): LineDigestSum {
  const limbs = [0, 0, 0, 0];
  let rows = 0;
  let start = 0;
  for (let end = text.indexOf(10, start); end !== -1; end = text.indexOf(10, start)) {
    const d = sha256(text.subarray(start, end));
    let carry = 0;
    for (let k = 3; k >= 0; k -= 1) {
      const word = (d.charCodeAt(4 * k) * 0x1000000 + ((d.charCodeAt(4 * k + 1) << 16) | (d.charCodeAt(4 * k + 2) << 8) | d.charCodeAt(4 * k + 3))) >>> 0;
      const sum = (limbs[k] as number) + word + carry;
      limbs[k] = sum >>> 0;
      carry = sum > 0xffffffff ? 1 : 0;
    }
    rows += 1;
    start = end + 1;
  }
  if (start !== text.length) throw new Error('the rows do not end with a line feed');
  return { limbs, rows };
}

/**
 * A line's SHA-256 as a binary string (one character per byte): a string costs the garbage collector
 * far less than a Buffer per row (three times the rows per second on the checksum threads).
 */
export const sha256 = (line: Uint8Array): string => hash('sha256', line, 'binary');

/**
 * An order-independent checksum of a table: the sum of each row line's SHA-256 (first 16 bytes)
 * modulo 2^128, kept in four 32-bit limbs (big-endian) so that no BigInt is made per row.
 */
export class RowChecksum {
  private readonly limbs = [0, 0, 0, 0];
  rows = 0;
  add(line: string): void {
    const d = hash('sha256', line, 'buffer');
    this.addSum({ limbs: [d.readUInt32BE(0), d.readUInt32BE(4), d.readUInt32BE(8), d.readUInt32BE(12)], rows: 1 });
  }
  /** Adds a part summed elsewhere (sumLineDigests, here or on the checksum thread). */
  addSum(part: LineDigestSum): void {
    let carry = 0;
    for (let k = 3; k >= 0; k -= 1) {
      const sum = (this.limbs[k] as number) + (part.limbs[k] as number) + carry;
      this.limbs[k] = sum >>> 0;
      carry = sum > 0xffffffff ? 1 : 0;
    }
    this.rows += part.rows;
  }
  /** Adds every line of `text` (lines each ending with a line feed, as a chunk holds them); the same sum as add() of each line. */
  addLines(text: Buffer): void {
    this.addSum(sumLineDigests(text, sha256));
  }
  get hex(): string {
    return this.limbs.map((limb) => limb.toString(16).padStart(8, '0')).join('');
  }
}
