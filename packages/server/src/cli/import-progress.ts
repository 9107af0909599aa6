import type { ImportJob } from '../platform/data/import-jobs.js';

const number = (n: number) => n.toLocaleString('en-US');

/**
 * The import's progress on stderr: a bar redrawn in place on a terminal, one line every two
 * seconds otherwise (logs, CI). The fraction is of the file's bytes read in the current pass.
 */
export class ImportProgress {
  private lastLine = 0;
  private readonly tty = process.stderr.isTTY === true;
  private readonly started = Date.now();
  private drawn = false;

  constructor(
    private readonly bytesRead: () => number,
    private readonly fileSize: number,
  ) {}

  show(job: ImportJob): void {
    const fraction = this.fileSize > 0 ? Math.min(1, this.bytesRead() / this.fileSize) : 1;
    const seconds = (Date.now() - this.started) / 1000;
    const pass = job.state === 'validating' ? 'checking ' : job.state === 'importing' ? 'importing' : job.state;
    const text = `${pass} ${(fraction * 100).toFixed(0).padStart(3)}% · ${number(job.rowsRead)} rows read · ${number(job.rowsImported)} imported · ${number(job.rowsInvalid)} invalid · ${number(job.rowsDuplicate)} duplicate · ${seconds.toFixed(0)} s`;
    if (this.tty) {
      const width = 24;
      const filled = Math.round(fraction * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
      this.drawn = true;
    } else if (Date.now() - this.lastLine >= 2000) {
      this.lastLine = Date.now();
      process.stderr.write(`castellan import: ${text}\n`);
    }
  }

  end(): void {
    if (this.tty && this.drawn) process.stderr.write('\n');
  }
}
