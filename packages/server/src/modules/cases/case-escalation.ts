import type { CaseStatus } from '@castellan/shared';
import type { RequestContext } from '../../platform/audit/audit-event.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { PlainRecord, ProtectedStore } from '../../platform/data/protected-store.js';
import { caseClockOf } from './case.rules.js';
import { slaState } from './case-sla.policy.js';

const clockFields = ['id', 'priority', 'status', 'createdAt', 'firstResponseAt', 'resolvedAt', 'closedAt', 'pausedSince', 'pausedSeconds', 'escalationLevel'];
const finished: ReadonlySet<CaseStatus> = new Set(['resolved', 'closed']);

/** The plain clock fields of every case in the caller's scope (no personal value is read). */
export async function caseClocks(
  store: ProtectedStore,
  actor: Actor,
  ranges?: Record<string, { from?: string; to?: string }>,
): Promise<(PlainRecord & { count: number })[]> {
  return store.aggregate(actor, 'cases', { groupBy: clockFields, ranges });
}

/**
 * Raises the escalation level of every unfinished case in the caller's scope whose SLA is breached
 * beyond its level: each is rewritten through the store, whose rules derive the new level and time
 * (audited as a change of escalationLevel, in the case's history).
 */
export async function escalateBreached(store: ProtectedStore, actor: Actor, context: RequestContext, now = new Date()) {
  const clocks = await caseClocks(store, actor);
  const due = clocks.filter((c) => !finished.has(c.status as CaseStatus) && slaState(caseClockOf(c), now).escalationLevel > Number(c.escalationLevel ?? 0));
  const escalated: { id: string; escalationLevel: number }[] = [];
  for (const c of due) {
    const updated = await store.update(actor, context, 'cases', String(c.id), {});
    escalated.push({ id: String(updated.id), escalationLevel: Number(updated.escalationLevel) });
  }
  return { checked: clocks.length, escalated };
}
