import { isStoreObject, type StoreObject } from '@castellan/shared';
import type { Kysely } from 'kysely';
import { inScope, recordScope } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { ownershipRefusal } from '../authz/ownership-policy.js';
import { forbidden, unprocessable } from '../errors.js';
import type { AuditedTransaction } from '../kernel.js';
import type { RecordValues, Value } from './store-values.js';
import { type TablePlan, tablePlan } from './table-plan.js';

/**
 * What a write may point at. The owner and the team must lie inside the actor's scope
 * (ownership-policy.ts); every other reference field must name a record the actor can see — an owned
 * record in their scope, or an existing reference record. A reference nobody may follow is refused
 * (422) with the same answer whether the record exists or not.
 */
export async function resolveOwnership(
  tx: AuditedTransaction,
  actor: Actor,
  object: StoreObject,
  input: { ownerId?: Value; teamId?: Value },
): Promise<{ ownerId: string; teamId: string | null }> {
  const scope = recordScope(actor, object);
  const ownerId = (input.ownerId as string | null | undefined) ?? actor.userId;
  if (!ownerId) throw unprocessable('ownerId is required for system writes');
  const owner = await tx.trx.selectFrom('users').select(['id', 'team_id']).where('id', '=', ownerId).executeTakeFirst();
  if (!owner) throw unprocessable('ownerId does not name a user');
  const teamId = input.teamId !== undefined ? (input.teamId as string | null) : owner.team_id;
  if (teamId) {
    const team = await tx.trx.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst();
    if (!team) throw unprocessable('teamId does not name a team');
  }
  const refusal = ownershipRefusal(scope, actor, { ownerId, ownerTeamId: owner.team_id, teamId: teamId ?? null });
  if (refusal) throw forbidden(`the record would fall outside your scope (${refusal})`);
  return { ownerId, teamId: teamId ?? null };
}

/** Refuses (422) a reference field of `input` that names a record the actor cannot see. */
export async function assertReferencesVisible(tx: AuditedTransaction, actor: Actor, plan: TablePlan, input: RecordValues): Promise<void> {
  for (const field of plan.references) {
    const id = input[field.name];
    if (id === undefined || id === null) continue;
    const target = field.spec.references as string;
    if (!isStoreObject(target)) continue;
    if (!(await visibleRecord(tx, actor, target, String(id)))) throw unprocessable(`${field.name} does not name a ${tablePlan(target).spec.label} you can see`);
  }
}

/** Whether the actor may see the record (owned: in scope; reference data: it exists). */
export async function visibleRecord(tx: AuditedTransaction, actor: Actor, object: StoreObject, id: string): Promise<boolean> {
  const db = tx.trx as unknown as Kysely<any>;
  const plan = tablePlan(object);
  const row = (await db
    .selectFrom(object)
    .select(plan.owned ? ['owner_id', 'team_id'] : ['id'])
    .where('id', '=', id)
    .executeTakeFirst()) as { owner_id?: string; team_id?: string | null } | undefined;
  if (!row) return false;
  return !plan.owned || inScope(actor, object, { ownerId: row.owner_id, teamId: row.team_id ?? null });
}

/**
 * The data subject whose key seals a row's personal values when they belong to another record's
 * person (`subject: { via }`): that contact's subject, or null when the field is empty.
 */
export async function subjectVia(tx: AuditedTransaction, plan: TablePlan, contactId: Value | undefined): Promise<string | null> {
  if (contactId === undefined || contactId === null) return null;
  const target = plan.subjectVia?.spec.references ?? 'contacts';
  const db = tx.trx as unknown as Kysely<any>;
  const row = (await db.selectFrom(target).select('subject_id').where('id', '=', String(contactId)).executeTakeFirst()) as
    | { subject_id: string | null }
    | undefined;
  return row?.subject_id ?? null;
}
