import type { PiCategory } from '@castellan/shared';
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { categoriesOfFields } from './breach-categories.js';

/**
 * Which data subjects an incident may have reached, found from the audit trail: every subject named by
 * a successful read, search, reveal or export, by the compromised account (its sessions and its API
 * tokens) and/or within a time window. Ids only — the officer opens a person through the normal,
 * audited store — and the PI categories of the fields those events touched.
 */
export const exposingActions = ['personal_data.read', 'personal_data.search', 'personal_data.reveal', 'personal_data.export', 'record.exported'] as const;

export interface AffectedCriteria {
  compromisedUserId?: string | null;
  from?: string | null;
  to?: string | null;
}

export interface AffectedFinding {
  subjectIds: string[];
  categories: PiCategory[];
  events: number;
}

function exposingEvents(trx: Transaction<Database>, criteria: AffectedCriteria) {
  let q = trx.selectFrom('audit_events').where('action', 'in', exposingActions).where('outcome', '=', 'success');
  const user = criteria.compromisedUserId;
  // A token acts as `<userId>/<tokenId>`: the account's tokens are the account too.
  if (user) q = q.where((eb) => eb.or([eb('actor_id', '=', user), eb('actor_id', 'like', `${user}/%`)]));
  if (criteria.from) q = q.where('at', '>=', criteria.from);
  if (criteria.to) q = q.where('at', '<=', criteria.to);
  return q;
}

export async function findAffectedSubjects(trx: Transaction<Database>, criteria: AffectedCriteria): Promise<AffectedFinding> {
  const events = exposingEvents(trx, criteria);
  const subjects = await trx
    .selectFrom('audit_subjects')
    .select('subject_id')
    .distinct()
    .where('seq', 'in', events.select('seq'))
    .orderBy('subject_id')
    .execute();
  const touched = await events.select(['resource', 'fields']).distinct().execute();
  const count = await events.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  const categories = new Set<PiCategory>();
  for (const row of touched) {
    if (!row.resource || !row.fields) continue;
    for (const c of categoriesOfFields(row.resource, JSON.parse(row.fields) as string[])) categories.add(c);
  }
  return { subjectIds: subjects.map((s) => s.subject_id), categories: [...categories].sort(), events: Number(count.n) };
}
