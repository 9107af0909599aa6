/**
 * Small pure rules the broadcast screens show (the API decides; these only choose what to offer).
 *
 * Subscription lifecycle, copied from packages/server/src/modules/subscribers/lifecycle.policy.ts:
 *   pending ──activate──▶ active ──suspend──▶ suspended ──resume──▶ active;
 *   pending | active | suspended ──cancel──▶ cancelled (final); move and transfer keep the status.
 */
export const lifecycleActions = ['activate', 'suspend', 'resume', 'move', 'transfer', 'cancel'] as const;
export type LifecycleAction = (typeof lifecycleActions)[number];

const actionFrom: Record<LifecycleAction, readonly string[]> = {
  activate: ['pending'],
  suspend: ['active'],
  resume: ['suspended'],
  move: ['pending', 'active', 'suspended'],
  transfer: ['pending', 'active', 'suspended'],
  cancel: ['pending', 'active', 'suspended'],
};

/** The lifecycle actions a subscription in `status` allows. */
export const allowedLifecycleActions = (status: string): LifecycleAction[] => lifecycleActions.filter((a) => actionFrom[a].includes(status));

/** Case statuses and where each may go (packages/server/src/modules/cases/case-status.policy.ts). */
export const caseTransitions: Readonly<Record<string, readonly string[]>> = {
  new: ['open', 'waiting_customer', 'resolved', 'closed'],
  open: ['waiting_customer', 'resolved', 'closed'],
  waiting_customer: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

export const caseMay = (status: string, to: string): boolean => (caseTransitions[status] ?? []).includes(to);

/** Contract actions by status (packages/server/src/modules/ad-sales/contract-transition.policy.ts). */
export const contractActionsFor = (status: string): ('submit' | 'approve' | 'reject')[] =>
  status === 'draft' ? ['submit'] : status === 'submitted' ? ['approve', 'reject'] : [];

export type SlaState = 'met' | 'within' | 'at_risk' | 'breached' | 'paused';

/** Share of a clock's span left under which it shows as at risk. */
export const AT_RISK_SHARE = 0.2;

/**
 * The state of one SLA clock now: met (answered / resolved in time), breached, paused (waiting on
 * the customer), at risk (less than a fifth of the span left) or within; and the milliseconds left.
 */
export function slaClock(input: { dueAt: string; startedAt: string; done: boolean; breached: boolean; paused: boolean; now: number }): {
  state: SlaState;
  leftMs: number;
} {
  const due = Date.parse(input.dueAt);
  const left = due - input.now;
  if (input.breached) return { state: 'breached', leftMs: Math.min(0, left) };
  if (input.done) return { state: 'met', leftMs: left };
  if (input.paused) return { state: 'paused', leftMs: left };
  if (left <= 0) return { state: 'breached', leftMs: left };
  const span = due - Date.parse(input.startedAt);
  return { state: span > 0 && left < span * AT_RISK_SHARE ? 'at_risk' : 'within', leftMs: left };
}

/** Milliseconds as h:mm:ss (or d h:mm:ss), the sign dropped. */
export function countdown(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const hms = `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return days > 0 ? `${days}d ${hms}` : hms;
}
