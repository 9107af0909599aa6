import type { RecordScope, StoreObject } from '@castellan/shared';
import { type Kysely, sql } from 'kysely';
import { inScope } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { notFound } from '../errors.js';
import type { AuditedTransaction } from '../kernel.js';
import { plainColumn, plainField, toStored, type Value } from './store-values.js';
import { type TablePlan, tablePlan } from './table-plan.js';

/** How the store reads rows: with their data subject's wrapped key, limited to the actor's record scope. */
type AnyDb = Kysely<any>;
export type Row = Record<string, unknown> & { id: string; owner_id?: string; team_id?: string | null; subject_id?: string | null };

export function selectWithSubject(tx: AuditedTransaction, plan: TablePlan) {
  const db = tx.trx as unknown as AnyDb;
  const table = plan.object;
  if (!plan.personal) return db.selectFrom(table).selectAll(table);
  // A person's own row always has its subject; a row about a person may have none (or an erased one).
  const join = plan.ownSubject
    ? db.selectFrom(table).innerJoin('data_subjects', 'data_subjects.id', `${table}.subject_id`)
    : db.selectFrom(table).leftJoin('data_subjects', 'data_subjects.id', `${table}.subject_id`);
  return join.selectAll(table).select(['data_subjects.key_version as key_version', 'data_subjects.wrapped_key as wrapped_key']);
}

export function scoped(q: any, plan: TablePlan, actor: Actor, scope: RecordScope | null) {
  if (!plan.owned) return q;
  if (!scope) return q.where(sql<boolean>`1 = 0`);
  if (scope === 'own') return q.where(`${plan.object}.owner_id`, '=', actor.userId);
  if (scope === 'team') return q.where(`${plan.object}.team_id`, '=', actor.teamId);
  return q;
}

export function filtered(q: any, plan: TablePlan, filters?: Record<string, Value>, ranges?: Record<string, { from?: Value; to?: Value }>) {
  for (const [name, value] of Object.entries(filters ?? {})) {
    const field = plainField(plan, name, 'filter');
    q = value === null ? q.where(`${plan.object}.${field.column}`, 'is', null) : q.where(`${plan.object}.${field.column}`, '=', toStored(field, value));
  }
  for (const [name, range] of Object.entries(ranges ?? {})) {
    const column = `${plan.object}.${plainColumn(plan, name, 'filter')}`;
    if (range.from !== undefined && range.from !== null) q = q.where(column, '>=', range.from);
    if (range.to !== undefined && range.to !== null) q = q.where(column, '<=', range.to);
  }
  return q;
}

export async function loadInScope(tx: AuditedTransaction, actor: Actor, object: StoreObject, id: string): Promise<Row> {
  const plan = tablePlan(object);
  const row = (await selectWithSubject(tx, plan).where(`${object}.id`, '=', id).executeTakeFirst()) as Row | undefined;
  if (!row || !inScope(actor, object, { ownerId: row.owner_id, teamId: row.team_id ?? null })) throw notFound(plan.spec.label);
  return row;
}
