import { type Kysely, sql } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { AppError, notFound } from '../errors.js';
import type { AuditedTransaction } from '../kernel.js';
import { nowIso } from './ids.js';

type AnyDb = Kysely<any>;

/**
 * Restriction of processing (GDPR Art. 18, PIPL Art. 44): a restricted subject's records stay stored
 * but may not be edited, exported or put in a campaign audience until the restriction is lifted.
 */
export const restrictionReasons = ['accuracy_contested', 'unlawful_processing', 'legal_claims', 'objection_pending', 'subject_request'] as const;
export type RestrictionReason = (typeof restrictionReasons)[number];

export async function isRestricted(db: AnyDb, subjectId: string): Promise<boolean> {
  return !!(await db.selectFrom('subject_restrictions').select('subject_id').where('subject_id', '=', subjectId).executeTakeFirst());
}

/** Refuses (409 subject_restricted) a use of a restricted subject's record; the refusal is audited by the caller's error path. */
export async function assertUnrestricted(db: AnyDb, subjectId: string | null | undefined): Promise<void> {
  if (subjectId && (await isRestricted(db, subjectId))) {
    throw new AppError('subject_restricted', 409, 'the processing of this person is restricted: the record is kept but may not be changed, exported or used');
  }
}

/** Leaves out the rows of restricted subjects (exports, campaign audiences). */
export function withoutRestricted(q: any, table: string) {
  return q.where(sql<boolean>`not exists (select 1 from subject_restrictions r where r.subject_id = ${sql.ref(`${table}.subject_id`)})`);
}

/** Turns a subject's restriction on or off; a change is audited, a repeat changes nothing. */
export async function changeRestriction(
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  subjectId: string,
  change: { on: boolean; reason: RestrictionReason; requestId?: string },
): Promise<{ restricted: boolean; changed: boolean }> {
  const db = tx.trx as unknown as AnyDb;
  const subject = await db.selectFrom('data_subjects').select('erased_at').where('id', '=', subjectId).executeTakeFirst();
  if (!subject) throw notFound('data subject');
  const was = await isRestricted(db, subjectId);
  if (was === change.on) return { restricted: was, changed: false };
  if (change.on) {
    await db
      .insertInto('subject_restrictions')
      .values({ subject_id: subjectId, reason_code: change.reason, request_id: change.requestId ?? null, restricted_by: actor.userId, restricted_at: nowIso() })
      .execute();
  } else {
    await db.deleteFrom('subject_restrictions').where('subject_id', '=', subjectId).execute();
  }
  await tx.audit(actor, context, {
    action: change.on ? 'subject.restricted' : 'subject.restriction_lifted',
    outcome: 'success',
    resource: 'data_subjects',
    resourceId: subjectId,
    subjectIds: [subjectId],
    detail: { reason: change.reason, ...(change.requestId ? { requestId: change.requestId } : {}) },
  });
  return { restricted: change.on, changed: true };
}
