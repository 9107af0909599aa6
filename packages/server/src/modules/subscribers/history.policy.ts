import type { LifecycleAction, SubscriptionStatus } from '@castellan/shared';
import { lifecycleStep } from './lifecycle.policy.js';

export interface HistoryFacts {
  action: LifecycleAction;
  fromStatus: SubscriptionStatus;
  toStatus: SubscriptionStatus;
  billingAccountId: string;
}

/**
 * A history entry must tell the truth about the subscription as it is when the entry is written (under
 * the subscription's lock): the action must be allowed from its current status, lead where the entry
 * says, and the entry belongs to the subscription's current billing account (whose customer's key
 * seals the reason). Pure.
 */
export function historyRefusal(entry: HistoryFacts, current: { status: SubscriptionStatus; billingAccountId: string } | undefined): string | null {
  if (!current) return 'the subscription does not exist';
  const step = lifecycleStep(entry.action, current.status);
  if (!step.ok) return step.message;
  if (step.from !== entry.fromStatus || step.to !== entry.toStatus)
    return `the subscription changed meanwhile: it is ${current.status} now (the entry says ${entry.fromStatus} → ${entry.toStatus}); retry`;
  if (current.billingAccountId !== entry.billingAccountId)
    return `the entry must name the subscription's billing account (${current.billingAccountId}), not ${entry.billingAccountId}`;
  return null;
}
