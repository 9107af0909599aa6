import type { ColumnKind } from './copy-text-codec.js';

/** What restore hands a dialect's bulk loader: each table's name, its columns and its decoded rows in pages (a chunk's worth), in the backup's order. */
export type LoadValue = string | number | bigint | null | Buffer;

export interface TableLoad {
  name: string;
  columns: string[];
  rows: AsyncIterable<LoadValue[][]>;
  /** When the backup's rows are COPY text (version 2): the verified chunks' text, which PostgreSQL loads as it is. Only one of the three is read. */
  copyText?: AsyncIterable<Buffer>;
  /** The verified chunks' text in the backup's row format (`format`), for a loader that decodes the lines itself (SQLite's load thread). */
  text: AsyncIterable<Buffer>;
  format: LineFormat;
}

/** How a table's lines are written: JSON lines (version 1) or COPY text lines of these column kinds (version 2). */
export interface LineFormat {
  version: 1 | 2;
  kinds: ColumnKind[];
}

/** A table, column, index or constraint name as a quoted SQL identifier (both dialects). */
export const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;
