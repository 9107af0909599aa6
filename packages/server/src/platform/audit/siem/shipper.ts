import type { Kysely } from 'kysely';
import { nowIso } from '../../data/ids.js';
import type { Database } from '../../db/schema.js';
import type { AuditEventRow } from './jsonl-format.js';
import { formatSyslogMessage, octetCountingFrame, type SyslogFormatOptions } from './syslog-format.js';
import type { SiemTransport } from './tls-transport.js';

/** Where shipped events go: `send` resolves only once the whole batch was written. */
export interface AuditEventSink {
  readonly description: string;
  send(events: readonly AuditEventRow[], signal?: AbortSignal): Promise<void>;
}

/** RFC 5424 messages, octet-counted, over a transport (TLS). */
export function syslogSink(transport: SiemTransport, format: SyslogFormatOptions): AuditEventSink {
  return {
    description: transport.description,
    send: (events, signal) =>
      transport.send(
        events.map((event) => octetCountingFrame(formatSyslogMessage(event, format))),
        signal,
      ),
  };
}

/** The cursor name of the syslog shipper (shared by the server job and `castellan audit ship`). */
export const SYSLOG_CURSOR = 'syslog';

/** Events with seq > `afterSeq`, in seq order. */
export async function readAuditEventsAfter(db: Kysely<Database>, afterSeq: number, limit: number): Promise<AuditEventRow[]> {
  return db.selectFrom('audit_events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
}

/** The last seq shipped under `name` (0: nothing yet). */
export async function readSiemCursor(db: Kysely<Database>, name: string): Promise<number> {
  const row = await db.selectFrom('siem_cursors').select('last_seq').where('name', '=', name).executeTakeFirst();
  return row ? Number(row.last_seq) : 0;
}

/** Moves the cursor forward to `seq`; never backwards (a slower concurrent shipper cannot rewind it). */
export async function advanceSiemCursor(db: Kysely<Database>, name: string, seq: number): Promise<void> {
  const now = nowIso();
  await db
    .insertInto('siem_cursors')
    .values({ name, last_seq: seq, updated_at: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ last_seq: seq, updated_at: now }).where('siem_cursors.last_seq', '<', seq))
    .execute();
}

export interface ShipOptions {
  /** Cursor row name (default `syslog`). */
  cursor?: string;
  /** Events per batch (default 500). */
  batchSize?: number;
  /** Stop after this many batches even if more are waiting (the job yields between rounds). */
  maxBatches?: number;
  signal?: AbortSignal;
  onBatch?: (shipped: number, lastSeq: number) => void;
}

export interface ShipReport {
  /** Events sent in this run. */
  shipped: number;
  /** The cursor after this run. */
  lastSeq: number;
  /** True when no event was left waiting. */
  caughtUp: boolean;
}

/** A failed run: what was shipped before the failure stays shipped; the rest is retried from `lastSeq`. */
export class SiemShipError extends Error {
  constructor(
    readonly target: string,
    readonly shipped: number,
    readonly lastSeq: number,
    cause: unknown,
  ) {
    super(
      `shipping audit events to ${target} failed after ${shipped} event(s) (shipped up to seq ${lastSeq}; nothing was skipped, the next run resumes there): ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'SiemShipError';
  }
}

/**
 * Sends the events after the cursor, batch by batch and in seq order, and moves the cursor past a
 * batch only after the sink has written all of it. On a failure nothing moves: the batch is sent
 * again by the next run (at-least-once; receivers can de-duplicate by `seq` or `id`).
 */
export async function shipAuditEvents(db: Kysely<Database>, sink: AuditEventSink, options: ShipOptions = {}): Promise<ShipReport> {
  const cursor = options.cursor ?? SYSLOG_CURSOR;
  const batchSize = options.batchSize ?? 500;
  let lastSeq = await readSiemCursor(db, cursor);
  let shipped = 0;
  for (let batches = 0; options.maxBatches === undefined || batches < options.maxBatches; batches += 1) {
    if (options.signal?.aborted) return { shipped, lastSeq, caughtUp: false };
    const events = await readAuditEventsAfter(db, lastSeq, batchSize);
    const last = events.at(-1);
    if (!last) return { shipped, lastSeq, caughtUp: true };
    try {
      await sink.send(events, options.signal);
      await advanceSiemCursor(db, cursor, Number(last.seq));
    } catch (error) {
      throw new SiemShipError(sink.description, shipped, lastSeq, error);
    }
    lastSeq = Number(last.seq);
    shipped += events.length;
    options.onBatch?.(shipped, lastSeq);
  }
  const more = await readAuditEventsAfter(db, lastSeq, 1);
  return { shipped, lastSeq, caughtUp: more.length === 0 };
}
