import type { ControllerUpdate, ControllerView } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { nowIso } from '../data/ids.js';
import type { Kernel } from '../kernel.js';
import { controllerKey, defaultController } from './records-inputs.js';
import { openRecordText, sealRecordText } from './records-sealing.js';

/**
 * The controller's details: its name and country in the clear (an organisation), the contact and the
 * DPO sealed (they name people). Each change bumps the revision, which the RoPA content carries, so a
 * regeneration after an edit makes a new version without hashing any personal value.
 */
export const canManageRecords = (actor: Actor): boolean => actor.kind === 'system' || actor.permissions.has('records.manage');

const cell = (column: 'contact' | 'dpo') => ({ table: 'records_controller' as const, column, rowId: controllerKey });

export async function getController(kernel: Kernel, actor: Actor, context: RequestContext): Promise<ControllerView> {
  return kernel.transaction(async (tx) => {
    const row = await tx.trx.selectFrom('records_controller').selectAll().where('key', '=', controllerKey).executeTakeFirst();
    if (!row) return { ...defaultController, updatedAt: null, personal: canManageRecords(actor) ? { contact: null, dpo: null } : null };
    const personal = canManageRecords(actor);
    if (personal && (row.contact_enc || row.dpo_enc))
      await tx.audit(actor, context, { action: 'records.controller.read', outcome: 'success', resource: 'records_controller', fields: ['contact', 'dpo'] });
    return {
      name: row.name,
      country: row.country,
      revision: Number(row.revision),
      updatedAt: row.updated_at,
      personal: personal
        ? { contact: openRecordText(kernel.keyring, cell('contact'), row.contact_enc), dpo: openRecordText(kernel.keyring, cell('dpo'), row.dpo_enc) }
        : null,
    };
  });
}

export async function updateController(kernel: Kernel, actor: Actor, context: RequestContext, body: ControllerUpdate): Promise<ControllerView> {
  await kernel.transaction(async (tx) => {
    const row = await tx.trx
      .selectFrom('records_controller')
      .select(['revision', 'contact_enc', 'dpo_enc'])
      .where('key', '=', controllerKey)
      .executeTakeFirst();
    const contact = body.contact === undefined ? (row?.contact_enc ?? null) : sealRecordText(kernel.keyring, cell('contact'), body.contact);
    const dpo = body.dpo === undefined ? (row?.dpo_enc ?? null) : sealRecordText(kernel.keyring, cell('dpo'), body.dpo);
    const values = { name: body.name, country: body.country, contact_enc: contact, dpo_enc: dpo, updated_at: nowIso(), updated_by: actor.userId };
    if (row)
      await tx.trx
        .updateTable('records_controller')
        .set({ ...values, revision: Number(row.revision) + 1 })
        .where('key', '=', controllerKey)
        .execute();
    else
      await tx.trx
        .insertInto('records_controller')
        .values({ key: controllerKey, ...values, revision: 1 })
        .execute();
    const fields = ['name', 'country', ...(body.contact !== undefined ? ['contact'] : []), ...(body.dpo !== undefined ? ['dpo'] : [])];
    await tx.audit(actor, context, {
      action: 'records.controller.updated',
      outcome: 'success',
      resource: 'records_controller',
      fields,
      detail: { country: body.country },
    });
  });
  return getController(kernel, actor, context);
}

/** The sealed contact and DPO of the controller now (copied into a RoPA version at generation). */
export async function controllerPersonalNow(kernel: Kernel, db: Kernel['db']['kysely']): Promise<{ contact: string | null; dpo: string | null }> {
  const row = await db.selectFrom('records_controller').select(['contact_enc', 'dpo_enc']).where('key', '=', controllerKey).executeTakeFirst();
  return {
    contact: openRecordText(kernel.keyring, cell('contact'), row?.contact_enc ?? null),
    dpo: openRecordText(kernel.keyring, cell('dpo'), row?.dpo_enc ?? null),
  };
}
