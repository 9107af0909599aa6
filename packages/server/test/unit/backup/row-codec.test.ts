import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeRow, encodeRow, RowChecksum } from '../../../src/platform/backup/row-codec.js';

/** The reference: the sum of each line's SHA-256 (first 16 bytes, big-endian) modulo 2^128, in BigInt. */
function reference(lines: string[]): string {
  let sum = 0n;
  for (const line of lines) {
    const d = createHash('sha256').update(line).digest();
    sum = (sum + (d.readBigUInt64BE(0) << 64n) + d.readBigUInt64BE(8)) % (1n << 128n);
  }
  return sum.toString(16).padStart(32, '0');
}

describe('the row codec', () => {
  it('encodes the same row the same way from either database and decodes it back', () => {
    const line = encodeRow(['a', 7, null, Buffer.from([0, 255]), 3n, true]);
    expect(line).toBe('["a",7,null,{"$b":"AP8="},3,1]');
    expect(decodeRow(line, 6)).toEqual(['a', 7, null, Buffer.from([0, 255]), 3, 1]);
    expect(() => decodeRow(line, 5)).toThrow(/6 values, the table 5 columns/);
    expect(() => decodeRow('[{"x":1}]', 1)).toThrow(/unknown kind/);
  });

  it.each([0, 1, 2, 1000])('sums %i rows as the BigInt reference does, in any order', (n) => {
    const lines = Array.from({ length: n }, (_, i) => encodeRow([`row ${i}`, i, i % 3 === 0 ? null : Buffer.from(String(i))]));
    const forward = new RowChecksum();
    for (const l of lines) forward.add(l);
    const backward = new RowChecksum();
    for (const l of [...lines].reverse()) backward.add(l);
    expect(forward.hex).toBe(reference(lines));
    expect(backward.hex).toBe(forward.hex);
    expect(forward.rows).toBe(n);
  });
});
