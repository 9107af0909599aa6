import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { nowIso } from '../data/ids.js';
import { notFound, unprocessable } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { type AffectedCriteria, findAffectedSubjects } from './affected-subjects.js';

/**
 * Finding and listing an incident's affected data subjects. A finding replaces the previous one (the
 * criteria are kept on the incident), adds the PI categories the exposing events touched to the
 * incident's categories, and is audited with counts only; a page of the list is audited naming the
 * subjects shown, so each person's "who has seen my data" history shows the breach.
 */
const chunk = 500;

const utc = (time: string | null | undefined): string | null => (time ? new Date(time).toISOString() : null);

export async function findSubjectsOfBreach(kernel: Kernel, actor: Actor, context: RequestContext, id: string, given: AffectedCriteria) {
  // Audit times are stored in UTC (`…Z`) and compared as text: a window given with an offset is converted first.
  const criteria: AffectedCriteria = { compromisedUserId: given.compromisedUserId ?? null, from: utc(given.from), to: utc(given.to) };
  return kernel.transaction(async (tx) => {
    const row = await tx.trx.selectFrom('breaches').select(['id', 'categories']).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('incident');
    if (criteria.compromisedUserId) {
      const user = await tx.trx.selectFrom('users').select('id').where('id', '=', criteria.compromisedUserId).executeTakeFirst();
      if (!user) throw unprocessable('compromisedUserId names no account');
    }
    const finding = await findAffectedSubjects(tx.trx, criteria);
    await tx.trx.deleteFrom('breach_subjects').where('breach_id', '=', id).execute();
    for (let i = 0; i < finding.subjectIds.length; i += chunk) {
      await tx.trx
        .insertInto('breach_subjects')
        .values(finding.subjectIds.slice(i, i + chunk).map((subject_id) => ({ breach_id: id, subject_id })))
        .execute();
    }
    const categories = [...new Set([...(JSON.parse(row.categories) as string[]), ...finding.categories])].sort();
    const now = nowIso();
    await tx.trx
      .updateTable('breaches')
      .set({
        compromised_user_id: criteria.compromisedUserId ?? null,
        window_from: criteria.from ?? null,
        window_to: criteria.to ?? null,
        affected_count: finding.subjectIds.length,
        affected_found_at: now,
        categories: JSON.stringify(categories),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    await tx.audit(actor, context, {
      action: 'breach.subjects.found',
      outcome: 'success',
      resource: 'breaches',
      resourceId: id,
      detail: { count: finding.subjectIds.length, events: finding.events, byAccount: !!criteria.compromisedUserId, byWindow: !!criteria.from },
    });
    return { count: finding.subjectIds.length, events: finding.events, categories: finding.categories };
  });
}

export async function listSubjectsOfBreach(kernel: Kernel, actor: Actor, context: RequestContext, id: string, page: { cursor?: string; limit: number }) {
  return kernel.transaction(async (tx) => {
    const row = await tx.trx.selectFrom('breaches').select(['id', 'affected_count']).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('incident');
    let q = tx.trx.selectFrom('breach_subjects').select('subject_id').where('breach_id', '=', id);
    if (page.cursor) q = q.where('subject_id', '>', page.cursor);
    const rows = await q
      .orderBy('subject_id')
      .limit(page.limit + 1)
      .execute();
    const subjectIds = rows.slice(0, page.limit).map((r) => r.subject_id);
    if (subjectIds.length)
      await tx.audit(actor, context, {
        action: 'breach.subjects.read',
        outcome: 'success',
        resource: 'breaches',
        resourceId: id,
        subjectIds,
        detail: { count: subjectIds.length },
      });
    return { count: Number(row.affected_count ?? 0), subjectIds, nextCursor: rows.length > page.limit ? (subjectIds.at(-1) ?? null) : null };
  });
}
