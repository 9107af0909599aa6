import type { Kysely } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import { sealStaffDetails } from '../audit/audit-personal-details.js';
import type { Actor } from '../authz/actor.js';
import { notFound } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { newId, nowIso } from './ids.js';
import { subjectPlan } from './subject-plan.js';
import { subjectRowsQuery } from './subject-rows.js';

type AnyDb = Kysely<any>;

/** Why a record must outlive its subject's erasure; the officer's note is sealed under the audit key. */
export const legalHoldReasons = ['litigation', 'tax_retention', 'regulator_order', 'fraud_investigation', 'contract_claims'] as const;
export type LegalHoldReason = (typeof legalHoldReasons)[number];

/** Places a hold on one record of the subject (it must be one of the subject's records: else 404). */
export async function placeLegalHold(
  kernel: Kernel,
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  input: { subjectId: string; table: string; rowId: string; reason: LegalHoldReason; note?: string },
): Promise<{ id: string }> {
  const db = tx.trx as unknown as AnyDb;
  const table = subjectPlan().tables.find((t) => t.table === input.table);
  const found = table && (await subjectRowsQuery(db, table, input.subjectId).where(`${table.table}.id`, '=', input.rowId).executeTakeFirst());
  if (!found) throw notFound('record of this person');
  const id = newId();
  const cell = { table: 'subject_legal_holds', column: 'note', rowId: id };
  await db
    .insertInto('subject_legal_holds')
    .values({
      id,
      subject_id: input.subjectId,
      table_name: input.table,
      row_id: input.rowId,
      reason_code: input.reason,
      note_enc: input.note ? sealStaffDetails(kernel.keyring, cell, { note: input.note }) : null,
      placed_by: actor.userId,
      placed_at: nowIso(),
      released_at: null,
    })
    .execute();
  await tx.audit(actor, context, {
    action: 'subject.legal_hold_placed',
    outcome: 'success',
    resource: input.table,
    resourceId: input.rowId,
    subjectIds: [input.subjectId],
    detail: { hold: id, reason: input.reason, ...(input.note ? { note: 'sealed' } : {}) },
  });
  return { id };
}

export async function releaseLegalHold(tx: AuditedTransaction, actor: Actor, context: RequestContext, subjectId: string, holdId: string): Promise<void> {
  const db = tx.trx as unknown as AnyDb;
  const done = await db
    .updateTable('subject_legal_holds')
    .set({ released_at: nowIso() })
    .where('id', '=', holdId)
    .where('subject_id', '=', subjectId)
    .where('released_at', 'is', null)
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw notFound('legal hold');
  await tx.audit(actor, context, {
    action: 'subject.legal_hold_released',
    outcome: 'success',
    resource: 'subject_legal_holds',
    resourceId: holdId,
    subjectIds: [subjectId],
  });
}

export async function legalHoldsOf(db: AnyDb, subjectId: string) {
  const rows = await db
    .selectFrom('subject_legal_holds')
    .select(['id', 'table_name', 'row_id', 'reason_code', 'placed_at'])
    .where('subject_id', '=', subjectId)
    .where('released_at', 'is', null)
    .orderBy('placed_at')
    .execute();
  return rows.map((r) => ({
    id: String(r.id),
    table: String(r.table_name),
    rowId: String(r.row_id),
    reason: String(r.reason_code),
    placedAt: String(r.placed_at),
  }));
}
