import { fieldCatalogue, type TransferCreate, type TransferPatch, type TransferView } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { newId, nowIso } from '../data/ids.js';
import type { TransfersTable } from '../db/schema.js';
import { notFound, unprocessable } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { isCrossBorder } from './pipia-requirements.js';
import { listPipias } from './pipia-store.js';
import { processingActivities } from './processing-activities.js';
import { readController } from './records-inputs.js';
import { type TransferInput, transferProblems } from './transfer-rules.js';

/**
 * The transfer register: who receives the data of which activity, where, under which PIPL Art. 38
 * mechanism, linked to the activity's impact assessment. The recipient is an organisation, stored in
 * the clear like an account's name. Every change is validated whole (a clear list of problems, nothing
 * stored) and audited in its transaction. A transfer whose assessment is missing, unapproved, outdated
 * or does not cover it is flagged on every read.
 */
type Flag = TransferView['flags'][number];

async function validate(kernel: Kernel, tx: AuditedTransaction, input: TransferInput): Promise<void> {
  const controller = await readController(tx.trx);
  const activities = new Map(processingActivities(fieldCatalogue).map((a) => [a.key, new Map(a.categories.map((c) => [c.category as string, c.sensitive]))]));
  const pipias = await tx.trx.selectFrom('pipias').select(['id', 'activity']).execute();
  const problems = transferProblems(input, {
    home: controller.country,
    operatorKind: kernel.config.incidents.operatorKind,
    activities,
    pipiaActivity: (id) => pipias.find((p) => p.id === id)?.activity,
  });
  if (problems.length) throw unprocessable(problems.map((p) => `${p.field}: ${p.message}`).join('; '), { problems });
}

const inputOf = (row: TransfersTable): TransferInput => ({
  recipient: row.recipient,
  country: row.country,
  mechanism: row.mechanism as TransferInput['mechanism'],
  categories: JSON.parse(row.categories) as string[],
  activity: row.activity,
  subjectsPerYear: Number(row.subjects_per_year),
  pipiaId: row.pipia_id,
});

export function flagsOf(
  pipiaId: string | null,
  pipias: readonly { id: string; approvedVersion: number | null; outdated: boolean; uncovered: readonly string[] }[],
): Flag[] {
  if (!pipiaId) return ['no_pipia'];
  const p = pipias.find((x) => x.id === pipiaId);
  if (!p) return ['no_pipia'];
  const flags: Flag[] = [];
  if (p.approvedVersion === null) flags.push('pipia_not_approved');
  else if (p.outdated) flags.push('pipia_outdated');
  else if (p.uncovered.length) flags.push('pipia_uncovered');
  return flags;
}

function viewOf(row: TransfersTable, home: string, pipias: Parameters<typeof flagsOf>[1]): TransferView {
  const input = inputOf(row);
  return {
    id: row.id,
    recipient: row.recipient,
    country: row.country,
    crossBorder: isCrossBorder(row.country, home),
    mechanism: input.mechanism,
    categories: [...input.categories],
    activity: row.activity,
    subjectsPerYear: input.subjectsPerYear,
    startDate: row.start_date,
    pipiaId: row.pipia_id,
    status: row.status as TransferView['status'],
    flags: flagsOf(row.pipia_id, pipias),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function rowOf(tx: AuditedTransaction, id: string): Promise<TransfersTable> {
  const row = await tx.trx.selectFrom('transfers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('transfer');
  return row;
}

export async function listTransfers(kernel: Kernel): Promise<TransferView[]> {
  const pipias = await listPipias(kernel);
  const home = (await readController(kernel.db.kysely)).country;
  const rows = await kernel.db.kysely.selectFrom('transfers').selectAll().orderBy('start_date', 'desc').limit(1000).execute();
  return rows.map((r) => viewOf(r, home, pipias));
}

export async function getTransfer(kernel: Kernel, id: string): Promise<TransferView> {
  const pipias = await listPipias(kernel);
  const home = (await readController(kernel.db.kysely)).country;
  const row = await kernel.db.kysely.selectFrom('transfers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('transfer');
  return viewOf(row, home, pipias);
}

export async function createTransfer(kernel: Kernel, actor: Actor, context: RequestContext, body: TransferCreate): Promise<TransferView> {
  const id = newId();
  await kernel.transaction(async (tx) => {
    await validate(kernel, tx, body);
    const now = nowIso();
    await tx.trx
      .insertInto('transfers')
      .values({
        id,
        recipient: body.recipient,
        country: body.country,
        mechanism: body.mechanism,
        categories: JSON.stringify([...new Set(body.categories)].sort()),
        activity: body.activity,
        subjects_per_year: body.subjectsPerYear,
        start_date: body.startDate,
        pipia_id: body.pipiaId,
        status: body.status,
        created_at: now,
        created_by: actor.userId,
        updated_at: now,
      })
      .execute();
    await tx.audit(actor, context, {
      action: 'records.transfer.created',
      outcome: 'success',
      resource: 'transfers',
      resourceId: id,
      detail: { country: body.country, mechanism: body.mechanism, activity: body.activity, categories: body.categories.length, status: body.status },
    });
  });
  return getTransfer(kernel, id);
}

export async function updateTransfer(kernel: Kernel, actor: Actor, context: RequestContext, id: string, patch: TransferPatch): Promise<TransferView> {
  const changed = Object.keys(patch).filter((k) => patch[k as keyof TransferPatch] !== undefined);
  if (!changed.length) throw unprocessable('nothing to change');
  await kernel.transaction(async (tx) => {
    const row = await rowOf(tx, id);
    const merged: TransferInput = { ...inputOf(row), ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    await validate(kernel, tx, merged);
    await tx.trx
      .updateTable('transfers')
      .set({
        recipient: merged.recipient,
        country: merged.country,
        mechanism: merged.mechanism,
        categories: JSON.stringify([...new Set(merged.categories)].sort()),
        activity: merged.activity,
        subjects_per_year: merged.subjectsPerYear,
        pipia_id: merged.pipiaId,
        ...(patch.startDate ? { start_date: patch.startDate } : {}),
        ...(patch.status ? { status: patch.status } : {}),
        updated_at: nowIso(),
      })
      .where('id', '=', id)
      .execute();
    await tx.audit(actor, context, {
      action: 'records.transfer.updated',
      outcome: 'success',
      resource: 'transfers',
      resourceId: id,
      fields: changed,
      detail: { ...(patch.status ? { status: patch.status } : {}), ...(patch.mechanism !== undefined ? { mechanism: patch.mechanism } : {}) },
    });
  });
  return getTransfer(kernel, id);
}
