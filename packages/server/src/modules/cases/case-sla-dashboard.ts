import { type CasePriority, casePriorities } from '@castellan/shared';
import type { Actor } from '../../platform/authz/actor.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { caseClockOf } from './case.rules.js';
import { caseClocks } from './case-escalation.js';
import { slaState } from './case-sla.policy.js';

export interface ClockCompliance {
  /** Met their target (responded / resolved in time). */
  met: number;
  breached: number;
  /** Still running and within target. */
  running: number;
  /** met / (met + breached), in percent with one decimal; null while nothing was decided. */
  compliancePct: number | null;
}

export interface PriorityCompliance {
  priority: CasePriority;
  total: number;
  /** Neither resolved nor closed. */
  open: number;
  /** A target missed (response or resolution). */
  breached: number;
  withinSla: number;
  response: ClockCompliance;
  resolution: ClockCompliance;
}

const pct = (met: number, breached: number) => (met + breached === 0 ? null : Math.round((1000 * met) / (met + breached)) / 10);

/** Case SLA compliance by priority, computed now from the cases the caller may see (scope applied, no personal value read). */
export async function caseSlaDashboard(
  store: ProtectedStore,
  actor: Actor,
  range: { from?: string; to?: string },
  now = new Date(),
): Promise<PriorityCompliance[]> {
  const iso = (t?: string) => (t ? new Date(t).toISOString() : undefined);
  const clocks = await caseClocks(store, actor, range.from || range.to ? { createdAt: { from: iso(range.from), to: iso(range.to) } } : undefined);
  const out = new Map<CasePriority, PriorityCompliance>();
  const blank = (): ClockCompliance => ({ met: 0, breached: 0, running: 0, compliancePct: null });
  for (const priority of casePriorities) out.set(priority, { priority, total: 0, open: 0, breached: 0, withinSla: 0, response: blank(), resolution: blank() });
  for (const row of clocks) {
    const entry = out.get(row.priority as CasePriority);
    if (!entry) continue;
    const n = row.count;
    const sla = slaState(caseClockOf(row), now);
    entry.total += n;
    if (!sla.resolved) entry.open += n;
    if (sla.responseBreached || sla.resolutionBreached) entry.breached += n;
    else entry.withinSla += n;
    const response = sla.responseBreached ? 'breached' : sla.responded ? 'met' : 'running';
    const resolution = sla.resolutionBreached ? 'breached' : sla.resolved ? 'met' : 'running';
    entry.response[response] += n;
    entry.resolution[resolution] += n;
  }
  return [...out.values()].map((e) => ({
    ...e,
    response: { ...e.response, compliancePct: pct(e.response.met, e.response.breached) },
    resolution: { ...e.resolution, compliancePct: pct(e.resolution.met, e.resolution.breached) },
  }));
}
