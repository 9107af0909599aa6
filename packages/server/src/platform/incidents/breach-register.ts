import type { BreachCreate, BreachPatch, BreachView, ClockKind, OperatorKind } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { newId, nowIso } from '../data/ids.js';
import { conflict, notFound, unprocessable } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { breachCategories } from './breach-categories.js';
import { applicableClockKinds } from './breach-clock-rules.js';
import { type BreachRow, notifiedColumn, presentBreach } from './breach-presenter.js';
import { sealBreachText } from './breach-sealing.js';

/**
 * The only queries of the breach register's own table, each change with its audit event in the same
 * transaction. No personal value reaches an event: the sealed text is never in `detail`.
 */
export const canOpenPersonal = (actor: Actor): boolean => actor.kind === 'system' || actor.permissions.has('breaches.personal');

const operatorKindOf = (kernel: Kernel): OperatorKind => kernel.config.incidents.operatorKind;

function checkCategories(categories: readonly string[]): void {
  const known = new Set(breachCategories().map((c) => c.category as string));
  const unknown = categories.filter((c) => !known.has(c));
  if (unknown.length) throw unprocessable(`not a data category of the field catalogue: ${unknown.join(', ')}`);
}

function checkTimes(discoveredAt: string, occurredAt: string | null | undefined): void {
  const ceiling = Date.now() + 5 * 60_000;
  if (Date.parse(discoveredAt) > ceiling) throw unprocessable('discoveredAt is in the future');
  if (occurredAt && Date.parse(occurredAt) > Date.parse(discoveredAt)) throw unprocessable('occurredAt is after discoveredAt');
}

async function rowOf(tx: AuditedTransaction, id: string): Promise<BreachRow> {
  const row = await tx.trx.selectFrom('breaches').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('incident');
  return row;
}

async function viewOf(kernel: Kernel, tx: AuditedTransaction, row: BreachRow, personal: boolean): Promise<BreachView> {
  const escalations = await tx.trx.selectFrom('breach_escalations').select(['clock', 'percent', 'at']).where('breach_id', '=', row.id).orderBy('at').execute();
  return presentBreach(row, escalations, { keyring: kernel.keyring, operatorKind: operatorKindOf(kernel), personal });
}

const iso = (value: string | null | undefined): string | null => (value ? new Date(value).toISOString() : null);

export async function createBreach(kernel: Kernel, actor: Actor, context: RequestContext, body: BreachCreate): Promise<BreachView> {
  checkTimes(body.discoveredAt, body.occurredAt);
  checkCategories(body.categories);
  const id = newId();
  const now = nowIso();
  return kernel.transaction(async (tx) => {
    await tx.trx
      .insertInto('breaches')
      .values({
        id,
        discovered_at: iso(body.discoveredAt) as string,
        occurred_at: iso(body.occurredAt),
        grade_input: body.grade,
        people_affected: body.peopleAffected,
        categories: JSON.stringify([...new Set(body.categories)].sort()),
        status: 'open',
        description_enc: sealBreachText(kernel.keyring, id, 'description', body.description),
        notes_enc: sealBreachText(kernel.keyring, id, 'notes', body.notes),
        gdpr_notified_at: null,
        cac_notified_at: null,
        subjects_notified_at: null,
        compromised_user_id: null,
        window_from: null,
        window_to: null,
        affected_count: null,
        affected_found_at: null,
        created_by: actor.userId,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await tx.audit(actor, context, {
      action: 'breach.created',
      outcome: 'success',
      resource: 'breaches',
      resourceId: id,
      detail: { grade: body.grade, peopleAffected: body.peopleAffected, categories: body.categories.length },
    });
    return viewOf(kernel, tx, await rowOf(tx, id), canOpenPersonal(actor));
  });
}

export async function listBreaches(kernel: Kernel): Promise<BreachView[]> {
  return kernel.transaction(async (tx) => {
    const rows = await tx.trx.selectFrom('breaches').selectAll().orderBy('discovered_at', 'desc').limit(1000).execute();
    const views = await Promise.all(rows.map((row) => viewOf(kernel, tx, row, false)));
    // Overdue first, then the soonest due, then those with every clock reported.
    return views.sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.nextDueAt ?? '~').localeCompare(b.nextDueAt ?? '~'));
  });
}

export async function getBreach(kernel: Kernel, actor: Actor, context: RequestContext, id: string): Promise<BreachView> {
  return kernel.transaction(async (tx) => {
    const row = await rowOf(tx, id);
    const personal = canOpenPersonal(actor);
    if (personal && (row.description_enc || row.notes_enc))
      await tx.audit(actor, context, { action: 'breach.read', outcome: 'success', resource: 'breaches', resourceId: id, fields: ['description', 'notes'] });
    return viewOf(kernel, tx, row, personal);
  });
}

export async function updateBreach(kernel: Kernel, actor: Actor, context: RequestContext, id: string, patch: BreachPatch): Promise<BreachView> {
  if (patch.categories) checkCategories(patch.categories);
  return kernel.transaction(async (tx) => {
    await rowOf(tx, id);
    const changed = Object.keys(patch).filter((k) => patch[k as keyof BreachPatch] !== undefined);
    if (!changed.length) throw unprocessable('nothing to change');
    await tx.trx
      .updateTable('breaches')
      .set({
        ...(patch.grade ? { grade_input: patch.grade } : {}),
        ...(patch.peopleAffected !== undefined ? { people_affected: patch.peopleAffected } : {}),
        ...(patch.categories ? { categories: JSON.stringify([...new Set(patch.categories)].sort()) } : {}),
        ...(patch.status ? { status: patch.status } : {}),
        ...(patch.description !== undefined ? { description_enc: sealBreachText(kernel.keyring, id, 'description', patch.description) } : {}),
        ...(patch.notes !== undefined ? { notes_enc: sealBreachText(kernel.keyring, id, 'notes', patch.notes) } : {}),
        updated_at: nowIso(),
      })
      .where('id', '=', id)
      .execute();
    await tx.audit(actor, context, {
      action: 'breach.updated',
      outcome: 'success',
      resource: 'breaches',
      resourceId: id,
      fields: changed,
      detail: { ...(patch.grade ? { grade: patch.grade } : {}), ...(patch.status ? { status: patch.status } : {}) },
    });
    return viewOf(kernel, tx, await rowOf(tx, id), canOpenPersonal(actor));
  });
}

/** Records when a clock's notification was made: once (a second record is a conflict), never before discovery. */
export async function recordNotification(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  id: string,
  clock: ClockKind,
  notifiedAt: string,
): Promise<BreachView> {
  return kernel.transaction(async (tx) => {
    const row = await rowOf(tx, id);
    if (!applicableClockKinds(row, operatorKindOf(kernel)).includes(clock))
      throw unprocessable(`the ${clock} clock does not apply to this incident (below 较大)`);
    const at = new Date(notifiedAt);
    if (at.getTime() < Date.parse(row.discovered_at)) throw unprocessable('notifiedAt is before the incident was discovered');
    if (at.getTime() > Date.now() + 5 * 60_000) throw unprocessable('notifiedAt is in the future');
    const column = notifiedColumn[clock];
    const updated = await tx.trx
      .updateTable('breaches')
      .set({ [column]: at.toISOString(), updated_at: nowIso() })
      .where('id', '=', id)
      .where(column, 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw conflict(`the ${clock} notification is already recorded`);
    await tx.audit(actor, context, { action: 'breach.notification.recorded', outcome: 'success', resource: 'breaches', resourceId: id, detail: { clock } });
    return viewOf(kernel, tx, await rowOf(tx, id), canOpenPersonal(actor));
  });
}
