import { describe, expect, it } from 'vitest';
import { type ColumnKind, columnKind, copyValue, decodeCopyRow, encodeCopyRow } from '../../../src/platform/backup/copy-text-codec.js';
import { RowChecksum } from '../../../src/platform/backup/row-codec.js';

describe('the COPY text row codec (backup rows, version 2)', () => {
  it.each([
    [null, '\\N'],
    ['', ''],
    ['plain 北京', 'plain 北京'],
    ['a\tb\nc\rd', 'a\\tb\\nc\\rd'],
    ['\b\v\f', '\\b\\v\\f'],
    ['back\\slash \\N', 'back\\\\slash \\\\N'],
    ['\u0001 stays', '\u0001 stays'],
    [42, '42'],
    [-7n, '-7'],
    [true, '1'],
    [Buffer.from([0, 255, 10]), '\\\\x00ff0a'],
    [Buffer.alloc(0), '\\\\x'],
  ])('writes value %# as %s', (value, text) => {
    expect(copyValue(value)).toBe(text);
  });

  const kinds: ColumnKind[] = ['text', 'integer', 'bytes', 'text', 'integer'];
  it('decodes what it writes, telling text from bytes by the column kind', () => {
    const row = ['tab\there \\x41 \\N', 12, Buffer.from([1, 2, 3]), null, 123456789012345678n];
    const line = encodeCopyRow(row);
    expect(line.split('\t')).toHaveLength(5);
    expect(decodeCopyRow(line, kinds)).toEqual(row);
    expect(decodeCopyRow('\\\\x41\t\\N\t\\\\x41\t\t7', kinds)).toEqual(['\\x41', null, Buffer.from('A'), '', 7]);
    // SQLite keeps text it was given in an integer column: it comes back as text.
    expect(decodeCopyRow('a\tn/a\t\\N\tb\t1.5', kinds)).toEqual(['a', 'n/a', null, 'b', '1.5']);
  });

  it.each([
    ['a\t1', /2 values, the table 5 columns/],
    ['a\t1\tnot hex\tb\t2', /bytes that are not in hex form/],
    ['a\t1\t\\\\x0\tb\t2', /bytes that are not in hex form/],
    ['a\t1\t\\\\xzz\tb\t2', /bytes that are not in hex form/],
    ['a\t1\t\\\\x0a1z\tb\t2', /bytes that are not in hex form/],
    ['a\t1\t\\\\x0a b1\tb\t2', /bytes that are not in hex form/],
    ['a\\q\t1\t\\N\tb\t2', /escape that COPY does not write/],
  ])('refuses %j', (line, reason) => {
    expect(() => decodeCopyRow(line, kinds)).toThrow(reason);
  });

  it.each([
    ['blob', 'bytes'],
    ['bytea', 'bytes'],
    ['INTEGER', 'integer'],
    ['bigint', 'integer'],
    ['text', 'text'],
    ['varchar(255)', 'text'],
    ['character varying', 'text'],
  ])('takes a column declared %s as %s', (declared, kind) => {
    expect(columnKind(declared)).toBe(kind);
  });

  it('sums the lines of a chunk as it sums each line, and refuses text that does not end a line', () => {
    const lines = ['a\t1', 'b\t2', '北京\t3'];
    const one = new RowChecksum();
    for (const l of lines) one.add(l);
    const chunk = new RowChecksum();
    chunk.addLines(Buffer.from(`${lines.join('\n')}\n`));
    expect(chunk.hex).toBe(one.hex);
    expect(chunk.rows).toBe(3);
    expect(() => new RowChecksum().addLines(Buffer.from('a\nb'))).toThrow(/do not end with a line feed/);
  });
});
