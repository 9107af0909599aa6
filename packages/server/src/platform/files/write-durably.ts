import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/** Writes a new file (mode 0600) and flushes it to disk before returning; `wx` refuses to overwrite, `w` replaces. */
export function writeDurably(file: string, bytes: Buffer, flag: 'wx' | 'w' = 'wx'): void {
  const fd = openSync(file, flag, 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
