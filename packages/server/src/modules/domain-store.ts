import { ProtectedStore } from '../platform/data/protected-store.js';
import type { Kernel } from '../platform/kernel.js';
import { defineActivityRules } from './activities/activity.rules.js';
import { defineCampaignRules } from './campaigns/campaign.rules.js';
import { defineCaseRules } from './cases/case.rules.js';
import { defineConsentRules } from './consents/consent.rules.js';

/** Registers one domain's business rules (caps, conflicts, transitions, derived values) on a store. */
export type DomainRules = (store: ProtectedStore) => void;

/** Every domain's rules, one line per domain (`modules/<domain>/<domain>.rules.ts`). */
const domainRules: DomainRules[] = [defineActivityRules, defineCaseRules, defineConsentRules, defineCampaignRules];

/**
 * The protected store with every domain's business rules: the HTTP routes, the import, the demo
 * loader and the CLI all write through one of these, so a rule holds whichever way a record arrives.
 */
export function domainStore(kernel: Kernel): ProtectedStore {
  const store = new ProtectedStore(kernel);
  for (const define of domainRules) define(store);
  return store;
}
