import type { LifecycleAction, SubscriptionStatus } from '@castellan/shared';

/**
 * The lifecycle of a subscription (cable / IPTV practice: 开通, 报停 / 恢复, 移机, 过户, 销户). Pure.
 *
 *   pending ──activate──▶ active ──suspend──▶ suspended
 *                           ▲                    │
 *                           └──────resume────────┘
 *   pending | active | suspended ──cancel──▶ cancelled (final)
 *   move (new service address) and transfer (another customer's billing account) keep the status,
 *   from pending, active or suspended.
 */
export const statusEdges: Readonly<Record<SubscriptionStatus, readonly SubscriptionStatus[]>> = {
  pending: ['active', 'cancelled'],
  active: ['suspended', 'cancelled'],
  suspended: ['active', 'cancelled'],
  cancelled: [],
};

const open: readonly SubscriptionStatus[] = ['pending', 'active', 'suspended'];
const steps: Readonly<Record<LifecycleAction, { from: readonly SubscriptionStatus[]; to?: SubscriptionStatus }>> = {
  activate: { from: ['pending'], to: 'active' },
  suspend: { from: ['active'], to: 'suspended' },
  resume: { from: ['suspended'], to: 'active' },
  cancel: { from: open, to: 'cancelled' },
  move: { from: open },
  transfer: { from: open },
};

export type Step = { ok: true; from: SubscriptionStatus; to: SubscriptionStatus } | { ok: false; message: string };

/** What an action does to a subscription in status `from`: the status it leads to, or why it is refused (409). */
export function lifecycleStep(action: LifecycleAction, from: SubscriptionStatus): Step {
  const step = steps[action];
  const to = step.to ?? from;
  if (!step.from.includes(from))
    return { ok: false, message: `cannot ${action} a subscription that is ${from} (${from} → ${to}): ${action} needs status ${step.from.join(' or ')}` };
  return { ok: true, from, to };
}

/**
 * Whether a write may take a subscription from `from` to `to` (the store's guard, whatever route
 * wrote): a cancelled subscription never changes; any other change of status follows an edge.
 */
export function statusChangeRefusal(from: SubscriptionStatus, to: SubscriptionStatus, changesSomething: boolean): string | null {
  if (from === 'cancelled' && changesSomething) return 'the subscription is cancelled (final): it cannot change';
  if (from !== to && !statusEdges[from].includes(to)) return `illegal status change ${from} → ${to}`;
  return null;
}

/** A new subscription starts pending and only on a billing account that is not cancelled. */
export function newSubscriptionRefusal(status: SubscriptionStatus, billingAccountId: string, billingAccountStatus: string | null): string | null {
  if (billingAccountStatus === 'cancelled') return `billing account ${billingAccountId} is cancelled: no subscription can be added to it`;
  if (status !== 'pending') return `a new subscription starts pending (got ${status}): activate it with POST /api/v1/subscriptions/:id/activate`;
  return null;
}

export interface TransferFacts {
  fromBillingAccountId: string;
  toBillingAccountId: string;
  fromCustomerId: string | null;
  toCustomerId: string | null;
  toStatus: string | null;
}

/** A transfer (过户) moves a subscription to a billing account of another customer that is not cancelled. */
export function transferRefusal(t: TransferFacts): string | null {
  if (t.toStatus === 'cancelled') return `billing account ${t.toBillingAccountId} is cancelled: a subscription cannot be transferred to it`;
  if (t.fromBillingAccountId === t.toBillingAccountId) return 'the subscription is already on that billing account';
  if (t.fromCustomerId === t.toCustomerId)
    return `billing account ${t.toBillingAccountId} belongs to the same customer: a transfer (过户) is to another customer`;
  return null;
}
