import type { ProtectedStore, RuleContext } from '../../platform/data/protected-store.js';
import { conflict, unprocessable } from '../../platform/errors.js';
import { maxHierarchyDepth, parentRefusal } from './account-hierarchy.policy.js';
import { agencyLinkRefusal, brandRefusal, kindChangeRefusal, overlappingLinkRefusal } from './agency-link.policy.js';

const accountLock = (id: string) => `accounts:${id}`;

/** The kind of an account (any account: a rule checks facts, whatever the actor's scope). */
async function kindOf(rc: RuleContext, accountId: string): Promise<string | null> {
  const [row] = await rc.plainRows('accounts', { id: accountId });
  return (row?.kind as string | undefined) ?? null;
}

/** Parents of `parentId` upward, as far as the chain goes (one step past the depth limit at most). */
async function ancestorsOf(rc: RuleContext, accountId: string, parentId: string): Promise<string[]> {
  const chain: string[] = [];
  let current: string | null = parentId;
  while (current !== null && chain.length <= maxHierarchyDepth) {
    chain.push(current);
    if (current === accountId) break;
    const [row] = await rc.plainRows('accounts', { id: current });
    current = (row?.parentId as string | null | undefined) ?? null;
  }
  return chain;
}

/** Accounts: no cycle in the hierarchy. Agency links: the right kinds, dates in order. Brands: under an advertiser. */
export function defineAccountRules(store: ProtectedStore): void {
  store.defineRules('accounts', {
    async beforeWrite(rc, next, previous) {
      const id = String(next.id);
      if (previous && previous.kind !== next.kind) {
        // Serialised with links and brands being made for this account.
        await rc.lock(accountLock(id));
        const count = async (object: 'agency_links' | 'brands', field: string) => (await rc.plainRows(object, { [field]: id })).length;
        const refusal = kindChangeRefusal(id, String(previous.kind), String(next.kind), {
          asAgency: await count('agency_links', 'agencyId'),
          asAdvertiser: await count('agency_links', 'advertiserId'),
          brands: await count('brands', 'advertiserId'),
        });
        if (refusal) throw conflict(refusal);
      }
      const parentId = (next.parentId as string | null) ?? null;
      if (parentId === null || previous?.parentId === parentId) return;
      // Two accounts made each other's parent in parallel would each see no cycle: one at a time.
      await rc.lock('accounts:hierarchy');
      const refusal = parentRefusal(id, parentId, await ancestorsOf(rc, id, parentId));
      if (refusal) throw conflict(refusal);
    },
  });
  store.defineRules('agency_links', {
    async beforeWrite(rc, next) {
      const agencyId = String(next.agencyId);
      const advertiserId = String(next.advertiserId);
      for (const account of [agencyId, advertiserId].sort()) await rc.lock(accountLock(account));
      const refusal = agencyLinkRefusal({
        agencyId,
        advertiserId,
        agencyKind: await kindOf(rc, agencyId),
        advertiserKind: await kindOf(rc, advertiserId),
        validFrom: String(next.validFrom),
        validTo: (next.validTo as string | null) ?? null,
      });
      if (refusal) throw refusal.status === 422 ? unprocessable(refusal.message) : conflict(refusal.message);
      const others = await rc.plainRows('agency_links', { agencyId, advertiserId });
      const period = (r: Record<string, unknown>) => ({ id: String(r.id), validFrom: String(r.validFrom), validTo: (r.validTo as string | null) ?? null });
      const overlap = overlappingLinkRefusal(period(next), others.map(period));
      if (overlap) throw conflict(overlap);
    },
  });
  store.defineRules('brands', {
    async beforeWrite(rc, next) {
      const advertiserId = String(next.advertiserId);
      await rc.lock(accountLock(advertiserId));
      const refusal = brandRefusal(advertiserId, await kindOf(rc, advertiserId));
      if (refusal) throw conflict(refusal);
    },
  });
}
