import type { BackupManifest, BackupTable } from './backup-manifest.js';
import { type CopyValue, copyRowDecoder, type DecodedValue, encodeCopyRow } from './copy-text-codec.js';
import { encodeRow, jsonRowDecoder } from './row-codec.js';

/** How the rows of one table of a backup are written as lines: JSON lines in version 1, COPY text lines in version 2. */
export interface RowFormat {
  /** The lines hold COPY text, which PostgreSQL loads as it is. */
  copyText: boolean;
  encode(values: readonly CopyValue[]): string;
  decode(line: string): DecodedValue[];
}

export function rowFormat(manifest: Pick<BackupManifest, 'version'>, table: Pick<BackupTable, 'columns' | 'kinds'>): RowFormat {
  if (manifest.version === 1) {
    const width = table.columns.length;
    return { copyText: false, encode: (values) => encodeRow(values as Parameters<typeof encodeRow>[0]), decode: jsonRowDecoder(width) };
  }
  const kinds = table.kinds ?? [];
  return { copyText: true, encode: encodeCopyRow, decode: copyRowDecoder(kinds) };
}

/** The lines of a chunk's text (each line ends with a line feed), without their line feeds. */
export const chunkLines = (text: Buffer): string[] => text.toString('utf8').slice(0, -1).split('\n');
