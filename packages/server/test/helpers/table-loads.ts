import { type ColumnKind, encodeCopyRow } from '../../src/platform/backup/copy-text-codec.js';
import { encodeRow } from '../../src/platform/backup/row-codec.js';
import type { LineFormat, LoadValue, TableLoad } from '../../src/platform/backup/table-load.js';

/** The first row alone, then the rest as one part: both shapes a loader meets. */
async function* inTwo<T>(values: LoadValue[][], part: (rows: LoadValue[][]) => T): AsyncGenerator<T> {
  if (values.length > 0) yield part(values.slice(0, 1));
  if (values.length > 1) yield part(values.slice(1));
}

/** A column's kind from its first value that is not null (text when all are). */
const kindOf = (values: LoadValue[][], column: number): ColumnKind => {
  const value = values.find((row) => row[column] !== null)?.[column];
  return Buffer.isBuffer(value) ? 'bytes' : typeof value === 'number' || typeof value === 'bigint' ? 'integer' : 'text';
};

/**
 * What restore hands a bulk loader, from literal tables: [name, columns, rows] — the rows decoded and
 * as the lines of a backup of `version` (COPY text of the columns' kinds, or JSON lines).
 */
export async function* tableLoads(list: [string, string[], LoadValue[][]][], version: 1 | 2 = 2): AsyncGenerator<TableLoad> {
  for (const [name, columns, values] of list) {
    const format: LineFormat = { version, kinds: columns.map((_, i) => kindOf(values, i)) };
    const line = (row: LoadValue[]) => (version === 2 ? encodeCopyRow(row) : encodeRow(row));
    yield {
      name,
      columns,
      rows: inTwo(values, (page) => page),
      text: inTwo(values, (rows) => Buffer.from(rows.map((row) => `${line(row)}\n`).join(''))),
      format,
    };
  }
}
