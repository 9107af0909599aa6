import { effectiveGrade, type IncidentGrade, isReportableToCac } from './incident-grade.js';
import { cacWindowMs, type OperatorKind } from './operator-kind.js';

/**
 * The parallel reporting clocks of one incident, each from the moment of awareness (discovery):
 * - `gdpr_authority`: GDPR Art. 33(1), 72 hours to the supervisory authority;
 * - `cac`: the CAC measures, 1 h / 2 h / 4 h by operator kind, for 较大 and above only;
 * - `pipl_subjects`: PIPL Art. 57, "immediately" — due at once, overdue until notified.
 * Pure: times in, states out.
 */
export const clockKinds = ['gdpr_authority', 'cac', 'pipl_subjects'] as const;
export type ClockKind = (typeof clockKinds)[number];

/** Escalation reminders, as a share of each clock's window. */
export const escalationPercents = [50, 75, 90] as const;
export type EscalationPercent = (typeof escalationPercents)[number];

export const gdprWindowMs = 72 * 3_600_000;

export interface IncidentClockInput {
  discoveredAt: string;
  grade: IncidentGrade;
  peopleAffected: number;
  operatorKind: OperatorKind;
  /** When each notification was made (absent: not yet). */
  notified: Partial<Record<ClockKind, string>>;
}

export type ClockStatus = 'open' | 'reported' | 'overdue';

export interface ClockState {
  kind: ClockKind;
  dueAt: string;
  windowMs: number;
  status: ClockStatus;
  reportedAt: string | null;
  /** Milliseconds left until due (negative once overdue); null when reported. */
  remainingMs: number | null;
  /** The highest escalation reminder reached (null: none yet, or reported, or a clock due at once). */
  escalation: EscalationPercent | null;
}

/** The windows that apply to this incident; the CAC clock only for 较大 and above. */
export function applicableWindows(input: Pick<IncidentClockInput, 'grade' | 'peopleAffected' | 'operatorKind'>): Partial<Record<ClockKind, number>> {
  const windows: Partial<Record<ClockKind, number>> = { gdpr_authority: gdprWindowMs, pipl_subjects: 0 };
  if (isReportableToCac(effectiveGrade(input.grade, input.peopleAffected))) windows.cac = cacWindowMs[input.operatorKind];
  return windows;
}

/** The highest reminder reached after `elapsedMs` of a window of `windowMs` (none for a window of zero). */
export function escalationReached(elapsedMs: number, windowMs: number): EscalationPercent | null {
  if (windowMs <= 0) return null;
  let reached: EscalationPercent | null = null;
  for (const percent of escalationPercents) if (elapsedMs * 100 >= windowMs * percent) reached = percent;
  return reached;
}

export function clockState(kind: ClockKind, discoveredAt: string, windowMs: number, reportedAt: string | undefined, now: Date): ClockState {
  const start = Date.parse(discoveredAt);
  const due = start + windowMs;
  if (reportedAt) return { kind, dueAt: new Date(due).toISOString(), windowMs, status: 'reported', reportedAt, remainingMs: null, escalation: null };
  const remaining = due - now.getTime();
  // "Immediately" is due at discovery: overdue from that moment on until the notification is recorded.
  const overdue = windowMs === 0 ? true : remaining < 0;
  return {
    kind,
    dueAt: new Date(due).toISOString(),
    windowMs,
    status: overdue ? 'overdue' : 'open',
    reportedAt: null,
    remainingMs: remaining,
    escalation: escalationReached(now.getTime() - start, windowMs),
  };
}

/** Every clock that applies to the incident, in the order of `clockKinds`. */
export function incidentClocks(input: IncidentClockInput, now: Date): ClockState[] {
  const windows = applicableWindows(input);
  return clockKinds
    .filter((kind) => windows[kind] !== undefined)
    .map((kind) => clockState(kind, input.discoveredAt, windows[kind] as number, input.notified[kind], now));
}

/** Overdue first, then by the soonest due time: the register's order. */
export function urgencyOf(clocks: readonly ClockState[]): { overdue: boolean; nextDueAt: string | null } {
  const open = clocks.filter((c) => c.status !== 'reported');
  const overdue = open.some((c) => c.status === 'overdue');
  const next = open.map((c) => c.dueAt).sort()[0] ?? null;
  return { overdue, nextDueAt: next };
}
