/**
 * The row format of backups of version 2: PostgreSQL's COPY text format, which PostgreSQL writes and
 * reads itself (`COPY … TO STDOUT` / `FROM STDIN`), so a PostgreSQL backup and restore move rows
 * without decoding them, and SQLite rows are encoded to the very same bytes. One line per row, values
 * in the order of the table's columns, separated by tabs: `\N` for null; integers in decimal; bytes
 * (SQLite blob, PostgreSQL bytea) as `\\x` and lower-case hex; text with backslash and the control
 * characters backspace, tab, line feed, vertical tab, form feed and carriage return written as `\\`,
 * `\b`, `\t`, `\n`, `\v`, `\f`, `\r` — exactly the escapes `COPY TO` emits (it never writes octal or
 * hex escapes). The column kinds recorded in the manifest tell text from bytes when decoding.
 */
export type ColumnKind = 'text' | 'integer' | 'bytes';
export type CopyValue = string | number | bigint | boolean | null | Buffer | Uint8Array;
export type DecodedValue = string | number | bigint | null | Buffer;

/** The kind of a column from its declared type in either dialect (SQLite `blob`, `integer`, `bigint`; PostgreSQL `bytea`, `integer`, `bigint`). */
export function columnKind(declaredType: string): ColumnKind {
  const type = declaredType.toLowerCase();
  if (type === 'blob' || type === 'bytea') return 'bytes';
  if (type === 'integer' || type === 'bigint' || type === 'smallint' || type === 'int') return 'integer';
  return 'text';
}

const ESCAPED = /[\\\b\t\n\v\f\r]/;
const ESCAPE_ALL = /[\\\b\t\n\v\f\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\v': '\\v', '\f': '\\f', '\r': '\\r' };

/** One value in COPY's text format. */
export function copyValue(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return ESCAPED.test(value) ? value.replace(ESCAPE_ALL, (c) => ESCAPES[c] as string) : value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  return `\\\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
}

/** One row as a COPY text line (without its line feed). */
export function encodeCopyRow(values: readonly CopyValue[]): string {
  let line = copyValue(values[0] as CopyValue);
  for (let i = 1; i < values.length; i += 1) line += `\t${copyValue(values[i] as CopyValue)}`;
  return line;
}

/**
 * A decoder of the COPY text lines of a table whose columns are of these kinds: each call decodes one
 * line and throws naming what is wrong. Self-contained (no outside name but its argument and Node's
 * Buffer), as the SQLite load thread runs its source.
 */
export function copyRowDecoder(kinds: readonly ColumnKind[]): (line: string) => DecodedValue[] {
  const unescapeAll = /\\(.)/gs;
  const unescapes: Record<string, string> = { '\\': '\\', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r' };
  const whole = /^-?\d+$/;
  const safeDigits = 15;
  const unescapeText = (field: string): string => {
    if (!field.includes('\\')) return field;
    return field.replace(unescapeAll, (_, c: string) => {
      const plain = unescapes[c];
      if (plain === undefined) throw new Error('a row holds an escape that COPY does not write');
      return plain;
    });
  };
  return (line) => {
    const fields = line.split('\t');
    if (fields.length !== kinds.length) throw new Error(`a row has ${fields.length} values, the table ${kinds.length} columns`);
    const values: DecodedValue[] = new Array(fields.length);
    for (let i = 0; i < fields.length; i += 1) {
      const field = fields[i] as string;
      if (field === '\\N') {
        values[i] = null;
        continue;
      }
      const kind = kinds[i];
      if (kind === 'text') values[i] = unescapeText(field);
      else if (kind === 'integer') {
        // SQLite keeps what it was given in an integer column: a whole number as a number, anything else as it came.
        if (whole.test(field)) values[i] = field.length > safeDigits ? BigInt(field) : Number(field);
        else values[i] = unescapeText(field);
      } else {
        // Buffer.from stops at the first pair that is not hex, so a short result is what tells bad hex
        // (a regular expression over every byte cost 3 s a restore at 1M contacts).
        const bytes = field.startsWith('\\\\x') && field.length % 2 === 1 ? Buffer.from(field.slice(3), 'hex') : undefined;
        if (bytes === undefined || bytes.length * 2 !== field.length - 3) throw new Error('a row holds bytes that are not in hex form');
        values[i] = bytes;
      }
    }
    return values;
  };
}

/** Decodes one COPY text line of a table whose columns are of these kinds; throws naming what is wrong. */
export const decodeCopyRow = (line: string, kinds: readonly ColumnKind[]): DecodedValue[] => copyRowDecoder(kinds)(line);
