/** What restore hands a dialect's bulk loader: each table's name, its columns and its decoded rows in pages (a chunk's worth), in the backup's order. */
export type LoadValue = string | number | null | Buffer;

export interface TableLoad {
  name: string;
  columns: string[];
  rows: AsyncIterable<LoadValue[][]>;
}

/** A table, column, index or constraint name as a quoted SQL identifier (both dialects). */
export const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;
