import type { CasePriority, CaseStatus } from '@castellan/shared';
import type { PlainRecord, ProtectedStore, RuleContext, Value } from '../../platform/data/protected-store.js';
import { AppError, conflict } from '../../platform/errors.js';
import { type CaseClock, clockAfter, slaState } from './case-sla.policy.js';
import { caseWriteRefusal } from './case-status.policy.js';

/** The clock fields of a stored case (previous) as the SLA policy reads them. */
export function caseClockOf(record: PlainRecord): CaseClock {
  return {
    priority: record.priority as CasePriority,
    status: record.status as CaseStatus,
    createdAt: String(record.createdAt),
    firstResponseAt: (record.firstResponseAt as string | null) ?? null,
    resolvedAt: (record.resolvedAt as string | null) ?? null,
    closedAt: (record.closedAt as string | null) ?? null,
    pausedSince: (record.pausedSince as string | null) ?? null,
    pausedSeconds: Number(record.pausedSeconds ?? 0),
  };
}

/**
 * Two desks changing one case at once must not both win (a status and its clock written from the
 * same old state): the writes of a case are serialised, and a write whose case changed since it was
 * read is refused (409). SQLite transactions already run one at a time.
 */
async function assertUnchanged(rc: RuleContext, previous: PlainRecord): Promise<void> {
  await rc.lock(`cases:${previous.id}`);
  const [fresh] = await rc.plainRows('cases', { id: String(previous.id) });
  const same = fresh && Object.keys(previous).every((name) => fresh[name] === previous[name]);
  if (fresh && !same) throw conflict('the case was changed meanwhile by someone else: read it again and retry');
}

/**
 * Service cases: the status table and the close-with-resolution rule before every write; the SLA
 * clocks (first response, pauses while waiting on the customer), the breach flags and the
 * escalation level derived at every write, from the write's own clock.
 */
export function defineCaseRules(store: ProtectedStore): void {
  store.defineRules('cases', {
    async derive(rc, input, previous) {
      if (previous) await assertUnchanged(rc, previous);
      const status = ((input.status as CaseStatus | null | undefined) ?? previous?.status ?? 'new') as CaseStatus;
      const before = previous ? caseClockOf(previous) : undefined;
      const clock = clockAfter(before, status, rc.now);
      const priority = ((input.priority as CasePriority | undefined) ?? previous?.priority) as CasePriority;
      const createdAt = previous ? String(previous.createdAt) : rc.now.toISOString();
      const sla = slaState({ ...clock, priority, status, createdAt }, rc.now);
      const stored = Number(previous?.escalationLevel ?? 0);
      const level = status === 'closed' ? stored : Math.max(stored, sla.escalationLevel);
      const derived: Record<string, Value> = {
        ...clock,
        responseBreached: sla.responseBreached,
        resolutionBreached: sla.resolutionBreached,
        escalationLevel: level,
        escalatedAt: level > stored ? rc.now.toISOString() : ((previous?.escalatedAt as string | null | undefined) ?? null),
        hasResolution: 'resolution' in input ? typeof input.resolution === 'string' && input.resolution.trim() !== '' : previous?.hasResolution === true,
      };
      return derived;
    },
    beforeWrite(_rc, next, previous) {
      const write = (r: PlainRecord) => ({
        status: r.status as CaseStatus,
        hasResolution: r.hasResolution === true,
        satisfaction: (r.satisfaction as number | null) ?? null,
      });
      const refusal = caseWriteRefusal(write(next), previous ? write(previous) : undefined);
      if (refusal) throw new AppError(refusal.status === 409 ? 'conflict' : 'unprocessable', refusal.status, refusal.message);
    },
  });
}
