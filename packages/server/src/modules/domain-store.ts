import { ProtectedStore } from '../platform/data/protected-store.js';
import type { AuditedTransaction, Kernel } from '../platform/kernel.js';
import { defineAccountRules } from './accounts/account.rules.js';
import { defineActivityRules } from './activities/activity.rules.js';
import { adSalesRules } from './ad-sales/ad-sales.rules.js';
import { defineCampaignRules } from './campaigns/campaign.rules.js';
import { defineCaseRules } from './cases/case.rules.js';
import { defineConsentRules } from './consents/consent.rules.js';
import { defineContactRules } from './contacts/contact.rules.js';
import { licensingRules } from './licensing/licensing.rules.js';
import { definePrivacyRequestRules } from './privacy-requests/privacy-request.rules.js';
import { defineSubscriberRules } from './subscribers/subscriber.rules.js';

/** Registers one domain's business rules (caps, conflicts, transitions, derived values) on a store. */
export type DomainRules = (store: ProtectedStore, kernel: Kernel) => void;

/** Every domain's rules, one line per domain (`modules/<domain>/<domain>.rules.ts`). */
const domainRules: DomainRules[] = [
  defineAccountRules,
  defineContactRules,
  defineSubscriberRules,
  adSalesRules,
  licensingRules,
  defineActivityRules,
  defineCaseRules,
  defineConsentRules,
  defineCampaignRules,
  (store, kernel) => definePrivacyRequestRules(store, kernel.config.controllerTimeZone),
];

/**
 * The protected store with every domain's business rules: the HTTP routes, the import, the demo
 * loader and the CLI all write through one of these, so a rule holds whichever way a record arrives.
 * With `unit`, every call joins that transaction (the demo loads all or nothing).
 */
export function domainStore(kernel: Kernel, unit?: AuditedTransaction): ProtectedStore {
  const store = new ProtectedStore(kernel, unit);
  for (const define of domainRules) define(store, kernel);
  return store;
}
