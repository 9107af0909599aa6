import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sumLineDigestsOffThread, ThreadedRowChecksum } from '../../../src/platform/backup/line-digest-thread.js';
import { decodeRow, encodeRow, RowChecksum, sha256, sumLineDigests } from '../../../src/platform/backup/row-codec.js';

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

  it('sums lines the same way per line, per chunk text and on the checksum thread, with carries across every limb', async () => {
    // Lines whose digests overflow the low limbs, mixed with ordinary and non-ASCII ones.
    const lines = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? `广播 ${i}\t\\N` : `line ${i} ${'x'.repeat(i % 50)}`));
    const text = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    const perLine = new RowChecksum();
    for (const l of lines) perLine.add(l);
    const perText = new RowChecksum();
    perText.addLines(text);
    const threaded = new ThreadedRowChecksum(2);
    // In uneven pieces of whole lines, more than the thread holds in flight.
    let start = 0;
    for (let piece = 1; start < text.length; piece += 1) {
      const end = Math.min(text.length, text.indexOf(10, start + piece * 997) + 1 || text.length);
      await threaded.add(text.subarray(start, end));
      start = end;
    }
    const total = await threaded.total();
    expect(perLine.hex).toBe(reference(lines));
    expect(perText.hex).toBe(perLine.hex);
    expect(total.hex).toBe(perLine.hex);
    expect(total.rows).toBe(3000);
    expect(await sumLineDigestsOffThread(text)).toEqual(sumLineDigests(text, sha256));
  });

  it('refuses a text whose last line does not end, here and on the checksum thread', async () => {
    expect(() => sumLineDigests(Buffer.from('a\nb'), sha256)).toThrow(/do not end with a line feed/);
    await expect(sumLineDigestsOffThread(Buffer.from('a\nb'))).rejects.toThrow(/do not end with a line feed/);
  });

  it('sums on both checksum threads alike: texts sent in turn land on each, and the totals agree', async () => {
    const texts = Array.from({ length: 6 }, (_, i) => Buffer.from(`${Array.from({ length: 50 + i }, (_, j) => `row ${i}:${j}`).join('\n')}\n`));
    const sums = await Promise.all(texts.map((t) => sumLineDigestsOffThread(t)));
    expect(sums).toEqual(texts.map((t) => sumLineDigests(t, sha256)));
  });
});
