import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Keeps a long import's RSS near its live memory. Its live heap stays small (a window of rows, the
 * digest set), but on a machine with much RAM V8 lets garbage pile up far past it before a full
 * collection (a 1M-row import grew past 400 MiB RSS that way, with ~25 MiB live). A full collection
 * every `everyRows` rows costs milliseconds and keeps the peak bounded whatever the file's size.
 */
export class HeapKeeper {
  private readonly gc: (() => void) | undefined;
  private last = 0;

  constructor(private readonly everyRows = 25_000) {
    try {
      setFlagsFromString('--expose-gc');
      this.gc = runInNewContext('gc') as () => void;
    } catch {
      this.gc = undefined; // without it the import still works; only the peak is higher
    }
  }

  /** Call with the rows handled so far (read plus written); collects when `everyRows` more have passed. */
  tick(rows: number): void {
    if (!this.gc || rows - this.last < this.everyRows) return;
    this.last = rows;
    this.gc();
  }
}
