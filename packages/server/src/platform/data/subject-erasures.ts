import type { Kysely } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { disableAccount } from '../identity/account-lifecycle.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { newId, nowIso } from './ids.js';
import { type ErasureStep, erasureSteps, heldRecords, runErasureStep } from './subject-erasure-steps.js';

type AnyDb = Kysely<any>;

/** The persisted progress of erasures: which steps are done, so a restart finishes what a crash left. */
export interface ErasureRecord {
  id: string;
  subjectId: string;
  requestId: string | null;
  status: 'running' | 'done';
  stepsDone: ErasureStep[];
  held: number;
}

const recordOf = (r: Record<string, unknown>): ErasureRecord => ({
  id: String(r.id),
  subjectId: String(r.subject_id),
  requestId: (r.request_id as string | null) ?? null,
  status: r.status as ErasureRecord['status'],
  stepsDone: JSON.parse(String(r.steps_done)) as ErasureStep[],
  held: Number(r.held),
});

/** Starts an erasure, or answers the one already running for the subject (a retry resumes it). */
export async function openErasure(
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  subjectId: string,
  requestId: string | null,
): Promise<ErasureRecord> {
  const db = tx.trx as unknown as AnyDb;
  const running = await db.selectFrom('subject_erasures').selectAll().where('subject_id', '=', subjectId).where('status', '=', 'running').executeTakeFirst();
  if (running) return recordOf(running);
  const held = (await heldRecords(db, subjectId)).size;
  const row = {
    id: newId(),
    subject_id: subjectId,
    request_id: requestId,
    status: 'running',
    steps_done: '[]',
    held,
    requested_by: actor.userId,
    started_at: nowIso(),
    finished_at: null,
  };
  await db.insertInto('subject_erasures').values(row).execute();
  await tx.audit(actor, context, {
    action: 'subject.erasure_started',
    outcome: 'success',
    resource: 'data_subjects',
    resourceId: subjectId,
    subjectIds: [subjectId],
    detail: { erasure: row.id, heldRecords: held, ...(requestId ? { requestId } : {}) },
  });
  return recordOf(row);
}

/** Runs one step and records it done, in one transaction; the last step closes the erasure. */
export async function completeErasureStep(
  kernel: Kernel,
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  erasure: ErasureRecord,
  step: ErasureStep,
): Promise<ErasureRecord> {
  const db = tx.trx as unknown as AnyDb;
  const counts = await runErasureStep(kernel, tx, erasure.subjectId, step, (t, userId) =>
    disableAccount(t, actor, context, userId, { reason: 'erasure', erasure: erasure.id }),
  );
  const stepsDone = [...erasure.stepsDone, step];
  const done = erasureSteps.every((s) => stepsDone.includes(s));
  await db
    .updateTable('subject_erasures')
    .set({ steps_done: JSON.stringify(stepsDone), status: done ? 'done' : 'running', finished_at: done ? nowIso() : null })
    .where('id', '=', erasure.id)
    .execute();
  await tx.audit(actor, context, {
    action: done ? 'subject.erasure_finished' : 'subject.erasure_step',
    outcome: 'success',
    resource: 'data_subjects',
    resourceId: erasure.subjectId,
    subjectIds: [erasure.subjectId],
    detail: { erasure: erasure.id, step, counts, ...(erasure.requestId ? { requestId: erasure.requestId } : {}) },
  });
  return { ...erasure, stepsDone, status: done ? 'done' : 'running' };
}

export async function unfinishedErasures(db: AnyDb): Promise<ErasureRecord[]> {
  return (await db.selectFrom('subject_erasures').selectAll().where('status', '=', 'running').execute()).map(recordOf);
}

export async function latestErasure(db: AnyDb, subjectId: string): Promise<ErasureRecord | undefined> {
  const row = await db.selectFrom('subject_erasures').selectAll().where('subject_id', '=', subjectId).orderBy('started_at', 'desc').limit(1).executeTakeFirst();
  return row ? recordOf(row) : undefined;
}
