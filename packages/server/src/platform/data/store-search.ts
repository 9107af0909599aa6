import type { Kysely } from 'kysely';
import { fieldAccess } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { forbidden, unprocessable } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { fieldBlindIndex, nameTokenDigests } from './record-codec.js';
import { bidxColumn, type PlannedField, type TablePlan } from './table-plan.js';

/** Exact search on encrypted fields through their blind indexes (never on a field the actor may not see). */
type AnyDb = Kysely<any>;

export function searchField(actor: Actor, plan: TablePlan, name: string): PlannedField {
  const field = plan.encrypted.find((f) => f.name === name && f.spec.blindIndex);
  if (!field) throw unprocessable(`cannot search ${plan.object} by ${name}`);
  if (fieldAccess(actor, plan.object, name) === 'hidden') throw forbidden(`you may not search by ${name}`);
  return field;
}

export async function whereBlindIndex(kernel: Kernel, tx: AuditedTransaction, q: any, plan: TablePlan, field: PlannedField, value: string) {
  let digest: string | string[];
  try {
    digest = field.spec.blindIndex === 'name' ? nameTokenDigests(kernel.keyring, plan, field, value) : fieldBlindIndex(kernel.keyring, plan, field, value);
  } catch {
    throw unprocessable(`${field.name} is not a valid search value`);
  }
  if (typeof digest === 'string') return q.where(`${plan.object}.${bidxColumn(field)}`, '=', digest);
  const first = digest[0];
  if (!first) throw unprocessable(`${field.name} is not a valid search value`);
  const db = tx.trx as unknown as AnyDb;
  const ids = db.selectFrom('name_tokens').select('row_id').where('table_name', '=', plan.object).where('digest', '=', first);
  return q.where(`${plan.object}.id`, 'in', ids);
}

/** Drops blind-index false positives (truncated indexes collide by design). */
export function sameValue(kernel: Kernel, plan: TablePlan, field: PlannedField, stored: string | null | undefined, wanted: string | undefined): boolean {
  if (!stored || wanted === undefined) return false;
  if (field.spec.blindIndex === 'name') {
    const want = nameTokenDigests(kernel.keyring, plan, field, wanted)[0];
    return nameTokenDigests(kernel.keyring, plan, field, stored).includes(want ?? '');
  }
  return fieldBlindIndex(kernel.keyring, plan, field, stored, 256) === fieldBlindIndex(kernel.keyring, plan, field, wanted, 256);
}
