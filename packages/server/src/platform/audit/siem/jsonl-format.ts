import type { Selectable } from 'kysely';
import type { AuditEventsTable } from '../../db/schema.js';

/** One stored audit event, as read from `audit_events`. */
export type AuditEventRow = Selectable<AuditEventsTable>;

/** The columns that hold JSON text: exported as JSON values, not as strings. */
const jsonColumns = new Set(['subject_ids', 'fields', 'detail']);
/** The chain columns: exported together as `chain: {prev, hash}`. */
const chainColumns = new Set(['prev_hash', 'hash']);

function parseJsonColumn(text: unknown): unknown {
  if (typeof text !== 'string') return text ?? null;
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON (an altered row): export the text as stored; `audit verify` names the event.
    return text;
  }
}

/**
 * The exported form of an event: every column in table order, the JSON columns (`subject_ids`,
 * `fields`, `detail`) parsed, binary columns (`sealed_enc`) in base64, and the hash chain as
 * `chain: {prev, hash}`. Columns added to the table later are exported as they are. Re-serialising
 * a parsed column with JSON.stringify gives back the stored text, so a receiver can recompute the
 * chain (canonicalAuditForm). The `ip` and `user_agent` columns hold keyed pseudonyms: a SIEM can
 * correlate events by them but never sees an address or a browser string (nor can it open
 * `sealed_enc`, which needs the audit data key).
 */
export function auditEventToJson(row: AuditEventRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (chainColumns.has(column)) continue;
    if (column === 'seq') out.seq = Number(value);
    else if (value instanceof Uint8Array) out[column] = Buffer.from(value).toString('base64');
    else out[column] = jsonColumns.has(column) ? parseJsonColumn(value) : (value ?? null);
  }
  out.chain = { prev: row.prev_hash, hash: row.hash };
  return out;
}

/** One JSON line (without the newline). */
export function formatJsonLine(row: AuditEventRow): string {
  return JSON.stringify(auditEventToJson(row));
}

/** JSON lines: one event per line, each line ending in `\n`. */
export function formatJsonLines(rows: readonly AuditEventRow[]): string {
  return rows.map((row) => `${formatJsonLine(row)}\n`).join('');
}
