import { type LifecycleAction, lifecycleActions, type SubscriptionStatus, subscriptionStatuses } from '@castellan/shared';
import { describe, expect, it } from 'vitest';
import { billingStatusRefusal } from '../../src/modules/subscribers/billing-account.policy.js';
import { historyRefusal } from '../../src/modules/subscribers/history.policy.js';
import { lifecycleStep, newSubscriptionRefusal, statusChangeRefusal, transferRefusal } from '../../src/modules/subscribers/lifecycle.policy.js';

/** Every action from every status: where it leads, or the 409 message naming from → to. */
const table: [LifecycleAction, SubscriptionStatus, SubscriptionStatus | string][] = [
  ['activate', 'pending', 'active'],
  ['activate', 'active', 'cannot activate a subscription that is active (active → active): activate needs status pending'],
  ['activate', 'suspended', 'cannot activate a subscription that is suspended (suspended → active): activate needs status pending'],
  ['activate', 'cancelled', 'cannot activate a subscription that is cancelled (cancelled → active): activate needs status pending'],
  ['suspend', 'pending', 'cannot suspend a subscription that is pending (pending → suspended): suspend needs status active'],
  ['suspend', 'active', 'suspended'],
  ['suspend', 'suspended', 'cannot suspend a subscription that is suspended (suspended → suspended): suspend needs status active'],
  ['suspend', 'cancelled', 'cannot suspend a subscription that is cancelled (cancelled → suspended): suspend needs status active'],
  ['resume', 'pending', 'cannot resume a subscription that is pending (pending → active): resume needs status suspended'],
  ['resume', 'active', 'cannot resume a subscription that is active (active → active): resume needs status suspended'],
  ['resume', 'suspended', 'active'],
  ['resume', 'cancelled', 'cannot resume a subscription that is cancelled (cancelled → active): resume needs status suspended'],
  ['cancel', 'pending', 'cancelled'],
  ['cancel', 'active', 'cancelled'],
  ['cancel', 'suspended', 'cancelled'],
  ['cancel', 'cancelled', 'cannot cancel a subscription that is cancelled (cancelled → cancelled): cancel needs status pending or active or suspended'],
  ['move', 'pending', 'pending'],
  ['move', 'active', 'active'],
  ['move', 'suspended', 'suspended'],
  ['move', 'cancelled', 'cannot move a subscription that is cancelled (cancelled → cancelled): move needs status pending or active or suspended'],
  ['transfer', 'pending', 'pending'],
  ['transfer', 'active', 'active'],
  ['transfer', 'suspended', 'suspended'],
  ['transfer', 'cancelled', 'cannot transfer a subscription that is cancelled (cancelled → cancelled): transfer needs status pending or active or suspended'],
];

describe('subscription lifecycle', () => {
  it('the table covers every action from every status', () => {
    expect(table.length).toBe(lifecycleActions.length * subscriptionStatuses.length);
  });

  it.each(table)('%s from %s → %s', (action, from, expected) => {
    const step = lifecycleStep(action, from);
    if ((subscriptionStatuses as readonly string[]).includes(expected)) expect(step).toEqual({ ok: true, from, to: expected });
    else expect(step).toEqual({ ok: false, message: expected });
  });

  it.each([
    ['pending', 'active', false, null],
    ['pending', 'suspended', true, 'illegal status change pending → suspended'],
    ['active', 'pending', true, 'illegal status change active → pending'],
    ['suspended', 'pending', true, 'illegal status change suspended → pending'],
    ['active', 'active', true, null],
    ['suspended', 'cancelled', true, null],
    ['cancelled', 'cancelled', false, null],
    ['cancelled', 'cancelled', true, 'the subscription is cancelled (final): it cannot change'],
    ['cancelled', 'active', true, 'the subscription is cancelled (final): it cannot change'],
  ] as const)('a write from %s to %s (changes: %s) → %s', (from, to, changes, refusal) => {
    expect(statusChangeRefusal(from, to, changes)).toBe(refusal);
  });

  it.each([
    ['pending', 'active', null],
    ['pending', 'suspended', null],
    ['pending', 'cancelled', 'billing account b1 is cancelled: no subscription can be added to it'],
    ['active', 'active', 'a new subscription starts pending (got active): activate it with POST /api/v1/subscriptions/:id/activate'],
  ] as const)('a new %s subscription on a %s billing account → %s', (status, accountStatus, refusal) => {
    expect(newSubscriptionRefusal(status, 'b1', accountStatus)).toBe(refusal);
  });

  const transfer = { fromBillingAccountId: 'b1', toBillingAccountId: 'b2', fromCustomerId: 'c1', toCustomerId: 'c2', toStatus: 'active' };
  it.each([
    [transfer, null],
    [{ ...transfer, toStatus: 'suspended' }, null],
    [{ ...transfer, toStatus: 'cancelled' }, 'billing account b2 is cancelled: a subscription cannot be transferred to it'],
    [{ ...transfer, toCustomerId: 'c1' }, 'billing account b2 belongs to the same customer: a transfer (过户) is to another customer'],
    [{ ...transfer, toBillingAccountId: 'b1' }, 'the subscription is already on that billing account'],
  ])('transfer %j → %s', (facts, refusal) => {
    expect(transferRefusal(facts)).toBe(refusal);
  });
});

describe('history entries tell the truth (checked under the subscription lock)', () => {
  const entry = { action: 'suspend' as const, fromStatus: 'active' as const, toStatus: 'suspended' as const, billingAccountId: 'b1' };
  it.each([
    [entry, { status: 'active', billingAccountId: 'b1' }, null],
    [
      entry,
      { status: 'suspended', billingAccountId: 'b1' },
      'cannot suspend a subscription that is suspended (suspended → suspended): suspend needs status active',
    ],
    [
      { ...entry, action: 'cancel' as const, toStatus: 'cancelled' as const },
      { status: 'suspended', billingAccountId: 'b1' },
      'the subscription changed meanwhile: it is suspended now (the entry says active → cancelled); retry',
    ],
    [entry, { status: 'active', billingAccountId: 'b2' }, "the entry must name the subscription's billing account (b2), not b1"],
    [entry, undefined, 'the subscription does not exist'],
  ] as const)('%j on %j → %s', (e, current, refusal) => {
    expect(historyRefusal(e, current)).toBe(refusal);
  });
});

describe('billing account status', () => {
  it.each([
    [null, 'active', 0, null],
    ['active', 'suspended', 3, null],
    ['suspended', 'active', 3, null],
    ['active', 'cancelled', 0, null],
    ['active', 'cancelled', 2, 'the billing account has 2 subscription(s) not cancelled: cancel them first'],
    ['suspended', 'cancelled', 1, 'the billing account has 1 subscription(s) not cancelled: cancel them first'],
    ['cancelled', 'active', 0, 'the billing account is cancelled (final): it cannot become active'],
    ['cancelled', 'cancelled', 0, 'the billing account is cancelled (final): it cannot change'],
  ] as const)('%s → %s with %i open subscriptions → %s', (from, to, open, refusal) => {
    expect(billingStatusRefusal(from, to, open)).toBe(refusal);
  });
});
