import type { PlainRecord, ProtectedStore, RuleContext, Value } from '../../platform/data/protected-store.js';
import { conflict, unprocessable } from '../../platform/errors.js';
import { licenceRefusal, rightsChangeRefusal } from './licence-conflict.policy.js';
import { licenceTransitionRefusal, signedOnOf } from './licence-status.policy.js';
import { licenceBlocksFor } from './licence-visibility.js';
import { todayOf } from './licensing-dates.js';
import { feeRefusal, type ScheduledPayment, scheduleRefusal } from './payment-schedule.policy.js';
import { blockOf } from './rights-block.js';

/**
 * Licensing's rules on the store, each run in the write's transaction: a licence must not conflict
 * with another nor fall outside the rights held; the rights held may not shrink under a live licence;
 * a payment schedule may not exceed its licence's fee. Every check over other rows first takes the
 * lock of the title (`title:<id>`) or the licence (`license:<id>`), so parallel writes cannot both pass.
 */
function assertWindow(record: PlainRecord): void {
  if (String(record.windowEnd) < String(record.windowStart))
    throw unprocessable(`the window ends (${record.windowEnd}) before it starts (${record.windowStart})`);
}

/** Locks titles in one order (no deadlock between two writes moving records between titles). */
async function lockTitles(rc: RuleContext, ...titleIds: unknown[]): Promise<void> {
  for (const id of [...new Set(titleIds.filter((t): t is string => typeof t === 'string'))].sort()) await rc.lock(`title:${id}`);
}

const paymentsOf = async (rc: RuleContext, licenseId: string): Promise<ScheduledPayment[]> =>
  (await rc.plainRows('license_payments', { licenseId })).map((p) => ({
    id: String(p.id),
    amountFen: Number(p.amountFen),
    dueDate: String(p.dueDate),
    paidOn: (p.paidOn as string | null) ?? null,
  }));

async function checkLicence(rc: RuleContext, next: PlainRecord, previous: PlainRecord | undefined): Promise<void> {
  assertWindow(next);
  if (previous) {
    const refusal = licenceTransitionRefusal(previous, next);
    if (refusal) throw conflict(refusal);
  }
  await lockTitles(rc, next.titleId, previous?.titleId);
  await rc.lock(`license:${next.id}`);
  if (next.status !== 'cancelled') {
    const titleId = next.titleId as string;
    const rights = (await rc.plainRows('rights', { titleId })).map((r) => blockOf(r));
    const licences = licenceBlocksFor(rc.actor, await rc.plainRows('licenses', { titleId }));
    const refusal = licenceRefusal(blockOf(next), rights, licences);
    if (refusal) throw conflict(refusal);
  }
  if (previous && next.feeFen !== previous.feeFen) {
    const refusal = feeRefusal(Number(next.feeFen), String(next.currency), await paymentsOf(rc, String(next.id)));
    if (refusal) throw conflict(refusal);
  }
}

/** The rights of a title after a change (`next` replacing, or `null` removing, the record `id`). */
async function rightsAfter(rc: RuleContext, titleId: string, id: string, next: PlainRecord | null) {
  const rows = (await rc.plainRows('rights', { titleId })).filter((r) => r.id !== id);
  if (next && next.titleId === titleId) rows.push(next);
  return rows.map((r) => blockOf(r));
}

async function checkRightsChange(rc: RuleContext, id: string, next: PlainRecord | null, previous: PlainRecord): Promise<void> {
  await lockTitles(rc, previous.titleId, next?.titleId);
  // Only the title losing cover can strand a licence: the previous one.
  const titleId = previous.titleId as string;
  const licences = licenceBlocksFor(rc.actor, await rc.plainRows('licenses', { titleId }));
  const refusal = rightsChangeRefusal(licences, await rightsAfter(rc, titleId, id, next));
  if (refusal) throw conflict(`rights-in ${previous.contractNumber}: ${refusal}`);
}

async function checkPayment(rc: RuleContext, next: PlainRecord, previous: PlainRecord | undefined): Promise<void> {
  if (previous && next.licenseId !== previous.licenseId) throw unprocessable('a payment stays with its licence: delete it and schedule it on the other');
  const today = todayOf(rc.now);
  if (next.paidOn && String(next.paidOn) > today) throw unprocessable(`paidOn (${next.paidOn}) is in the future`);
  const licenseId = String(next.licenseId);
  await rc.lock(`license:${licenseId}`);
  const [licence] = await rc.plainRows('licenses', { id: licenseId });
  if (!licence) throw unprocessable('licenseId does not name a licence you can see');
  const termsChanged = !previous || next.amountFen !== previous.amountFen || next.dueDate !== previous.dueDate;
  if (licence.status === 'cancelled' && termsChanged) throw conflict(`licence ${licence.contractNumber} is cancelled: no payment can be scheduled under it`);
  const refusal = scheduleRefusal(Number(licence.feeFen), String(licence.currency), await paymentsOf(rc, licenseId), {
    id: String(next.id),
    amountFen: Number(next.amountFen),
  });
  if (refusal) throw conflict(`licence ${licence.contractNumber}: ${refusal}`);
}

export function licensingRules(store: ProtectedStore): void {
  store.defineRules('licenses', {
    derive: (rc, input, previous) => ({ signedOn: signedOnOf(input.status ?? previous?.status ?? 'draft', previous, todayOf(rc.now)) }),
    beforeWrite: checkLicence,
    beforeDelete: (_rc, previous) => {
      if (previous.status === 'signed') throw conflict(`licence ${previous.contractNumber} is signed: cancel it instead of deleting it`);
    },
  });
  store.defineRules('rights', {
    beforeWrite: async (rc, next, previous) => {
      assertWindow(next);
      if (previous) await checkRightsChange(rc, String(next.id), next, previous);
    },
    beforeDelete: (rc, previous) => checkRightsChange(rc, String(previous.id), null, previous),
  });
  store.defineRules('license_payments', {
    derive: async (rc, input, previous): Promise<Record<string, Value>> => {
      const licenseId = input.licenseId ?? previous?.licenseId;
      if (typeof licenseId !== 'string') return {};
      const [licence] = await rc.plainRows('licenses', { id: licenseId });
      return licence ? { currency: licence.currency ?? null } : {};
    },
    beforeWrite: checkPayment,
  });
}
