import type { CasePriority, CaseStatus } from '@castellan/shared';

/**
 * SLA targets of service cases, per priority, in wall-clock minutes (24 × 7; the desk's hotline
 * runs round the clock): the first response (the case leaves `new`) and the resolution. Change the
 * table here; docs/domains/service.md lists it.
 */
export const slaTargets: Readonly<Record<CasePriority, { responseMinutes: number; resolutionMinutes: number }>> = {
  p1: { responseMinutes: 60, resolutionMinutes: 4 * 60 },
  p2: { responseMinutes: 4 * 60, resolutionMinutes: 24 * 60 },
  p3: { responseMinutes: 8 * 60, resolutionMinutes: 72 * 60 },
  p4: { responseMinutes: 24 * 60, resolutionMinutes: 120 * 60 },
};

/** States in which the resolution clock stands still: the ball is with the customer, or the case is done. */
const stoppedStates: ReadonlySet<CaseStatus> = new Set(['waiting_customer', 'resolved', 'closed']);
export const clockStopped = (status: CaseStatus): boolean => stoppedStates.has(status);

/** The plain fields of a case the SLA clocks are computed from. */
export interface CaseClock {
  priority: CasePriority;
  status: CaseStatus;
  createdAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  /** The clock stopped at this time (waiting on the customer, resolved, closed); null while it runs. */
  pausedSince: string | null;
  /** Seconds the clock stood still before `pausedSince`. */
  pausedSeconds: number;
}

export interface SlaState {
  responseDueAt: string;
  /** Moves on while the case waits on the customer. */
  resolutionDueAt: string;
  responseBreached: boolean;
  resolutionBreached: boolean;
  /** The response clock has stopped (a first response was given). */
  responded: boolean;
  /** The resolution clock has stopped for good (resolved or closed). */
  resolved: boolean;
  paused: boolean;
  /** Seconds the resolution clock has stood still while waiting on the customer, up to now. */
  pausedSeconds: number;
  /** 0 none, 1 the response target was missed, 2 the resolution target was missed. */
  escalationLevel: 0 | 1 | 2;
}

const ms = (iso: string): number => Date.parse(iso);
const minutes = (n: number): number => n * 60_000;

/** Where a case stands against its targets at `now`. A target met at its exact due time is met. */
export function slaState(c: CaseClock, now: Date): SlaState {
  const target = slaTargets[c.priority];
  const created = ms(c.createdAt);
  const at = now.getTime();
  const responseDue = created + minutes(target.responseMinutes);
  const respondedAt = c.firstResponseAt ? ms(c.firstResponseAt) : null;
  const responseBreached = (respondedAt ?? at) > responseDue;
  const stoppedAt = c.pausedSince ? ms(c.pausedSince) : at;
  const waiting = c.status === 'waiting_customer' && c.pausedSince !== null;
  const pausedMs = c.pausedSeconds * 1000 + (waiting ? Math.max(0, at - stoppedAt) : 0);
  const elapsed = stoppedAt - created - c.pausedSeconds * 1000;
  const resolutionBreached = elapsed > minutes(target.resolutionMinutes);
  return {
    responseDueAt: new Date(responseDue).toISOString(),
    resolutionDueAt: new Date(created + minutes(target.resolutionMinutes) + pausedMs).toISOString(),
    responseBreached,
    resolutionBreached,
    responded: respondedAt !== null,
    resolved: c.status === 'resolved' || c.status === 'closed',
    paused: waiting,
    pausedSeconds: Math.floor(pausedMs / 1000),
    escalationLevel: resolutionBreached ? 2 : responseBreached ? 1 : 0,
  };
}

/** The clock fields of a case after a write that moves it to `to` (from `previous`, or a new case). */
export function clockAfter(previous: CaseClock | undefined, to: CaseStatus, now: Date): Omit<CaseClock, 'priority' | 'status' | 'createdAt'> {
  const iso = now.toISOString();
  if (!previous) {
    return { firstResponseAt: to === 'new' ? null : iso, resolvedAt: null, closedAt: null, pausedSince: clockStopped(to) ? iso : null, pausedSeconds: 0 };
  }
  const from = previous.status;
  let { pausedSince, pausedSeconds } = previous;
  if (from !== to) {
    if (clockStopped(from) && !clockStopped(to) && pausedSince) {
      pausedSeconds += Math.max(0, Math.floor((now.getTime() - ms(pausedSince)) / 1000));
      pausedSince = null;
    } else if (!clockStopped(from) && clockStopped(to)) pausedSince = iso;
  }
  return {
    firstResponseAt: previous.firstResponseAt ?? (from === 'new' && to !== 'new' ? iso : null),
    resolvedAt: to === 'resolved' && from !== 'resolved' ? iso : to === 'open' || to === 'waiting_customer' ? null : previous.resolvedAt,
    closedAt: to === 'closed' && from !== 'closed' ? iso : previous.closedAt,
    pausedSince,
    pausedSeconds,
  };
}
