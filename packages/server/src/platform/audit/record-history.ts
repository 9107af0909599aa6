import { sql } from 'kysely';
import type { Actor } from '../authz/actor.js';
import type { AuditEventsTable } from '../db/schema.js';
import type { Kernel } from '../kernel.js';
import type { RequestContext } from './audit-event.js';

/**
 * The history of one record from the audit trail: its creation, changes and deletion, newest first,
 * with who acted and what changed. The log holds no personal value (a change of an encrypted field
 * reads '[encrypted]'), so the entries are as safe to show as the record's plain fields; the caller
 * must have checked the actor may see the record (the store's assertVisible). The read is audited.
 */
export interface HistoryEntry {
  seq: number;
  at: string;
  action: string;
  actorKind: string;
  /** The staff member who acted (user id; `<userId>/<tokenId>` through a token; `os:<account>` for an operator). */
  actorId: string | null;
  fields: string[];
  /** Changed plain values (encrypted fields as '[encrypted]'), as the change's audit event recorded them. */
  changes: Record<string, unknown> | null;
}

const RECORD_ACTIONS = ['record.created', 'record.updated', 'record.deleted'];

type EventRow = Pick<AuditEventsTable, 'at' | 'action' | 'actor_kind' | 'actor_id' | 'fields' | 'detail'> & { seq: number | string };

const parse = <T>(text: string | null): T | null => (text ? (JSON.parse(text) as T) : null);

export async function recordHistory(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  record: { object: string; id: string },
  page: { limit: number; beforeSeq?: number },
): Promise<{ items: HistoryEntry[]; more: boolean }> {
  return kernel.transaction(async (tx) => {
    let q = tx.trx
      .selectFrom('audit_events')
      .select(['seq', 'at', 'action', 'actor_kind', 'actor_id', 'fields', 'detail'])
      .where('resource', '=', record.object)
      .where('resource_id', '=', record.id)
      .where('action', 'in', RECORD_ACTIONS)
      .where('outcome', '=', 'success');
    if (page.beforeSeq !== undefined) q = q.where('seq', '<', sql.lit(Math.floor(page.beforeSeq)));
    const rows = (await q
      .orderBy('seq', 'desc')
      .limit(page.limit + 1)
      .execute()) as EventRow[];
    const items = rows.slice(0, page.limit).map((row) => {
      const detail = parse<{ diff?: Record<string, unknown> }>(row.detail);
      return {
        seq: Number(row.seq),
        at: row.at,
        action: row.action,
        actorKind: row.actor_kind,
        actorId: row.actor_id,
        fields: parse<string[]>(row.fields) ?? [],
        changes: detail?.diff ?? null,
      };
    });
    await tx.audit(actor, context, {
      action: 'audit.read',
      outcome: 'success',
      resource: 'audit_events',
      fields: ['actorId'],
      detail: { view: 'record_history', object: record.object, id: record.id, count: items.length },
    });
    return { items, more: rows.length > page.limit };
  });
}
