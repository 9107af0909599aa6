import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { formatJsonLines } from './jsonl-format.js';
import { readAuditEventsAfter } from './shipper.js';

export interface JsonlExportReport {
  /** Events written. */
  count: number;
  /** seq of the first and last event written (null when none). */
  firstSeq: number | null;
  lastSeq: number | null;
}

/**
 * Writes the events with seq > `sinceSeq` as JSON lines, in seq order, batch by batch; `write`
 * is awaited before the next batch is read (back-pressure). Resume with `sinceSeq` = the last seq.
 */
export async function exportAuditJsonl(
  db: Kysely<Database>,
  write: (chunk: string) => Promise<void>,
  options: { sinceSeq?: number; batchSize?: number } = {},
): Promise<JsonlExportReport> {
  const batchSize = options.batchSize ?? 1000;
  let after = options.sinceSeq ?? 0;
  let count = 0;
  let firstSeq: number | null = null;
  for (;;) {
    const events = await readAuditEventsAfter(db, after, batchSize);
    const last = events.at(-1);
    if (!last) break;
    await write(formatJsonLines(events));
    firstSeq ??= Number(events[0]?.seq);
    after = Number(last.seq);
    count += events.length;
  }
  return { count, firstSeq, lastSeq: count ? after : null };
}
