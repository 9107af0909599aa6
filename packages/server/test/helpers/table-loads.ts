import type { LoadValue, TableLoad } from '../../src/platform/backup/table-load.js';

async function* rowsOf(values: LoadValue[][]): AsyncGenerator<LoadValue[][]> {
  // One row per page, then the rest as one page: both shapes a loader meets.
  if (values.length > 0) yield values.slice(0, 1);
  if (values.length > 1) yield values.slice(1);
}

/** What restore hands a bulk loader, from literal tables: [name, columns, rows]. */
export async function* tableLoads(list: [string, string[], LoadValue[][]][]): AsyncGenerator<TableLoad> {
  for (const [name, columns, values] of list) yield { name, columns, rows: rowsOf(values) };
}
