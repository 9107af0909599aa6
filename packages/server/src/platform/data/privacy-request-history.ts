import type { Actor } from '../authz/actor.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { newId } from './ids.js';

/** One step of a data-subject request, as its history shows it (no personal value in it). */
export interface PrivacyRequestEvent {
  id: string;
  at: string;
  actorUserId: string | null;
  step: string;
  fromStatus: string | null;
  toStatus: string | null;
  detail: Record<string, string | number | boolean | null>;
}

/**
 * The append-only history of data-subject requests: rows are inserted in the transaction of the step
 * they record and never updated or deleted (this file has no such query). Texts typed by people stay
 * in the sealed request fields; the history holds only who, when, which step and which statuses.
 */
export class PrivacyRequestHistory {
  constructor(private readonly kernel: Kernel) {}

  async append(
    tx: AuditedTransaction,
    actor: Actor,
    requestId: string,
    step: string,
    fromStatus: string | null,
    toStatus: string | null,
    detail: PrivacyRequestEvent['detail'] = {},
    at = new Date(),
  ): Promise<void> {
    await tx.trx
      .insertInto('privacy_request_events')
      .values({
        id: newId(),
        request_id: requestId,
        at: at.toISOString(),
        actor_user_id: actor.userId,
        step,
        from_status: fromStatus,
        to_status: toStatus,
        detail: JSON.stringify(detail),
      })
      .execute();
  }

  /** Every step of one request, oldest first (the caller has already checked it may see the request). */
  async of(requestId: string): Promise<PrivacyRequestEvent[]> {
    const rows = await this.kernel.db.kysely
      .selectFrom('privacy_request_events')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorUserId: r.actor_user_id,
      step: r.step,
      fromStatus: r.from_status,
      toStatus: r.to_status,
      detail: JSON.parse(r.detail) as PrivacyRequestEvent['detail'],
    }));
  }
}
