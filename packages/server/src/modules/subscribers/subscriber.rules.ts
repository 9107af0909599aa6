import type { LifecycleAction, SubscriptionStatus } from '@castellan/shared';
import type { PlainRecord, ProtectedStore, RuleContext } from '../../platform/data/protected-store.js';
import { conflict, unprocessable } from '../../platform/errors.js';
import { billingStatusRefusal } from './billing-account.policy.js';
import { historyRefusal } from './history.policy.js';
import { newSubscriptionRefusal, statusChangeRefusal, transferRefusal } from './lifecycle.policy.js';

const dayOf = (now: Date) => now.toISOString().slice(0, 10);
const subscriptionLock = (id: unknown) => `subscriptions:${String(id)}`;
const billingLock = (id: unknown) => `billing_accounts:${String(id)}`;

async function one(rc: RuleContext, object: 'billing_accounts' | 'subscriptions', id: unknown): Promise<PlainRecord | undefined> {
  const [row] = await rc.plainRows(object, { id: String(id) });
  return row;
}

/** Plain fields a write changes (timestamps aside). */
const changesSomething = (next: PlainRecord, previous: PlainRecord) =>
  Object.keys(next).some((k) => k !== 'updatedAt' && k !== 'createdAt' && next[k] !== previous[k]);

/**
 * Billing accounts, subscriptions, their history and devices. Checks that read other rows take the
 * lock of the row they are about first (a subscription, a billing account), so parallel writes on
 * PostgreSQL see each other's results; on SQLite writes are serial anyway.
 */
export function defineSubscriberRules(store: ProtectedStore): void {
  store.defineRules('billing_accounts', {
    async beforeWrite(rc, next, previous) {
      if (previous && next.contactId !== previous.contactId)
        throw conflict('a billing account keeps its customer: transfer (过户) its subscriptions to a billing account of the new customer');
      const from = previous ? String(previous.status) : null;
      const to = String(next.status);
      if (from === 'cancelled') {
        if (previous && changesSomething(next, previous))
          throw conflict(billingStatusRefusal(from, to, 0) ?? 'the billing account is cancelled (final): it cannot change');
        return;
      }
      if (to !== 'cancelled' || from === null) return;
      // Serialised with subscriptions created on or transferred to this account.
      await rc.lock(billingLock(next.id));
      const open = (await rc.plainRows('subscriptions', { billingAccountId: String(next.id) })).filter((s) => s.status !== 'cancelled').length;
      const refusal = billingStatusRefusal(from, to, open);
      if (refusal) throw conflict(refusal);
    },
  });

  store.defineRules('subscriptions', {
    derive(rc, input, previous) {
      const out: Record<string, string> = {};
      if (input.status === 'active' && !previous?.activatedOn) out.activatedOn = dayOf(rc.now);
      if (input.status === 'cancelled' && previous?.status !== 'cancelled') out.cancelledOn = dayOf(rc.now);
      return out;
    },
    async beforeWrite(rc, next, previous) {
      if (!previous) {
        await rc.lock(billingLock(next.billingAccountId));
        const account = await one(rc, 'billing_accounts', next.billingAccountId);
        const refusal = newSubscriptionRefusal(
          next.status as SubscriptionStatus,
          String(next.billingAccountId),
          (account?.status as string | undefined) ?? null,
        );
        if (refusal) throw conflict(refusal);
        return;
      }
      await rc.lock(subscriptionLock(next.id));
      const current = (await one(rc, 'subscriptions', next.id)) ?? previous;
      const refusal = statusChangeRefusal(current.status as SubscriptionStatus, next.status as SubscriptionStatus, changesSomething(next, previous));
      if (refusal) throw conflict(refusal);
      if (next.billingAccountId !== current.billingAccountId) {
        await rc.lock(billingLock(next.billingAccountId));
        const from = await one(rc, 'billing_accounts', current.billingAccountId);
        const to = await one(rc, 'billing_accounts', next.billingAccountId);
        const refused = transferRefusal({
          fromBillingAccountId: String(current.billingAccountId),
          toBillingAccountId: String(next.billingAccountId),
          fromCustomerId: (from?.contactId as string | undefined) ?? null,
          toCustomerId: (to?.contactId as string | undefined) ?? null,
          toStatus: (to?.status as string | undefined) ?? null,
        });
        if (refused) throw conflict(refused);
      }
    },
  });

  store.defineRules('subscription_history', {
    derive(rc) {
      return { at: rc.now.toISOString(), byUserId: rc.actor.userId };
    },
    async beforeWrite(rc, next, previous) {
      if (previous) throw conflict('a history entry is never changed');
      // Held until the action's transaction ends: no other action on this subscription interleaves.
      await rc.lock(subscriptionLock(next.subscriptionId));
      const current = await one(rc, 'subscriptions', next.subscriptionId);
      const refusal = historyRefusal(
        {
          action: next.action as LifecycleAction,
          fromStatus: next.fromStatus as SubscriptionStatus,
          toStatus: next.toStatus as SubscriptionStatus,
          billingAccountId: String(next.billingAccountId),
        },
        current ? { status: current.status as SubscriptionStatus, billingAccountId: String(current.billingAccountId) } : undefined,
      );
      if (refusal) throw conflict(refusal);
    },
  });

  store.defineRules('devices', {
    async beforeWrite(rc, next, previous) {
      const subscription = await one(rc, 'subscriptions', next.subscriptionId);
      if (!subscription) throw unprocessable('subscriptionId does not name a subscription');
      if (subscription.status === 'cancelled' && (!previous || changesSomething(next, previous)))
        throw conflict(`subscription ${String(next.subscriptionId)} is cancelled: its devices cannot change (remove them instead)`);
      if (next.billingAccountId !== subscription.billingAccountId)
        throw unprocessable(`billingAccountId must be the subscription's billing account (${String(subscription.billingAccountId)})`);
    },
  });
}
