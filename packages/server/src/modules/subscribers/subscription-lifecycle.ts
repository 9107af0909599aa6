import type { LifecycleAction, SubscriptionStatus } from '@castellan/shared';
import type { RequestContext } from '../../platform/audit/audit-event.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { PresentedRecord, ProtectedStore, RecordValues } from '../../platform/data/protected-store.js';
import { conflict } from '../../platform/errors.js';
import { lifecycleStep } from './lifecycle.policy.js';

export interface LifecycleInput {
  reason?: string;
  /** move: the new household (service address), or null to clear it. */
  householdId?: string | null;
  /** transfer: the billing account of the new customer. */
  billingAccountId?: string;
}

/**
 * One lifecycle action as one unit of work: its history entry (checked under the subscription's lock
 * against the subscription as it is, history.policy.ts) and the change of the subscription — and, for
 * a transfer, of its devices, re-sealed under the new customer's key — commit together with their
 * audit events, or nothing does.
 */
export async function runLifecycleAction(
  store: ProtectedStore,
  actor: Actor,
  context: RequestContext,
  id: string,
  action: LifecycleAction,
  input: LifecycleInput,
): Promise<PresentedRecord> {
  return store.inTransaction(async (unit) => {
    const current = await unit.get(actor, context, 'subscriptions', id);
    const step = lifecycleStep(action, current.status as SubscriptionStatus);
    if (!step.ok) throw conflict(step.message);
    const patch: RecordValues = {};
    if (step.to !== step.from) patch.status = step.to;
    let detail: string | null = null;
    if (action === 'move') {
      const householdId = input.householdId ?? null;
      if (householdId === current.householdId) throw conflict('the subscription is already at that service address');
      patch.householdId = householdId;
      detail = householdId ? `householdId ${householdId}` : 'householdId cleared';
    }
    if (action === 'transfer') {
      patch.billingAccountId = input.billingAccountId;
      detail = `billingAccountId ${input.billingAccountId}`;
    }
    await unit.create(actor, context, 'subscription_history', {
      subscriptionId: id,
      billingAccountId: current.billingAccountId as string,
      action,
      fromStatus: step.from,
      toStatus: step.to,
      detail,
      reason: input.reason,
    });
    const updated = await unit.update(actor, context, 'subscriptions', id, patch);
    if (action === 'transfer' && input.billingAccountId) await moveDevices(unit, actor, context, id, input.billingAccountId);
    return updated;
  });
}

/** A transfer's devices follow the subscription to the new customer (their identifiers re-sealed under that key). */
async function moveDevices(unit: ProtectedStore, actor: Actor, context: RequestContext, subscriptionId: string, billingAccountId: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await unit.list(actor, context, 'devices', { limit: 200, cursor, filters: { subscriptionId } });
    for (const device of page.items) await unit.update(actor, context, 'devices', String(device.id), { billingAccountId });
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
