/** What restore hands a dialect's bulk loader: each table's name, its columns and its decoded rows in pages (a chunk's worth), in the backup's order. */
export type LoadValue = string | number | bigint | null | Buffer;

export interface TableLoad {
  name: string;
  columns: string[];
  rows: AsyncIterable<LoadValue[][]>;
  /** When the backup's rows are COPY text (version 2): the verified chunks' text, which PostgreSQL loads as it is. Only one of the two is read. */
  copyText?: AsyncIterable<Buffer>;
}

/** A table, column, index or constraint name as a quoted SQL identifier (both dialects). */
export const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;
