import { isOverdue, type PrivacyLaw, privacyLaws } from '@castellan/shared';

/** One group of requests as the store's aggregate answers it: plain fields and a count. */
export interface RequestClockGroup {
  law: string;
  status: string;
  dueAt: string | null;
  count: number;
}

/** Per law: open requests, of them overdue and due within a week, and those closed (completed or refused). */
export interface LawWorkload {
  law: PrivacyLaw;
  open: number;
  overdue: number;
  dueWithinWeek: number;
  awaitingVerification: number;
  closed: number;
}

const closedStatuses = new Set(['completed', 'refused']);
const weekMs = 7 * 24 * 60 * 60 * 1000;

/**
 * The privacy officer's workload now, from the request clocks: an unverified request is open but its
 * clock has not started (counted as awaiting verification, never overdue); overdue follows the deadline
 * engine (`isOverdue`), never a stored flag that the reminder job may not have set yet.
 */
export function summariseWorkload(groups: readonly RequestClockGroup[], now: Date): LawWorkload[] {
  const out = new Map<PrivacyLaw, LawWorkload>(
    privacyLaws.map((law) => [law, { law, open: 0, overdue: 0, dueWithinWeek: 0, awaitingVerification: 0, closed: 0 }]),
  );
  for (const group of groups) {
    const entry = out.get(group.law as PrivacyLaw);
    if (!entry) continue;
    if (closedStatuses.has(group.status)) {
      entry.closed += group.count;
      continue;
    }
    entry.open += group.count;
    if (group.status === 'unverified' || !group.dueAt) {
      entry.awaitingVerification += group.status === 'unverified' ? group.count : 0;
      continue;
    }
    const due = new Date(group.dueAt);
    if (isOverdue(due, group.status, now)) entry.overdue += group.count;
    else if (due.getTime() - now.getTime() <= weekMs) entry.dueWithinWeek += group.count;
  }
  return [...out.values()];
}
