import { ProtectedStore } from '../platform/data/protected-store.js';
import type { Kernel } from '../platform/kernel.js';
import { defineAccountRules } from './accounts/account.rules.js';
import { defineContactRules } from './contacts/contact.rules.js';
import { defineSubscriberRules } from './subscribers/subscriber.rules.js';

/** Registers one domain's business rules (caps, conflicts, transitions, derived values) on a store. */
export type DomainRules = (store: ProtectedStore) => void;

/** Every domain's rules, one line per domain (`modules/<domain>/<domain>.rules.ts`). */
const domainRules: DomainRules[] = [defineAccountRules, defineContactRules, defineSubscriberRules];

/**
 * The protected store with every domain's business rules: the HTTP routes, the import, the demo
 * loader and the CLI all write through one of these, so a rule holds whichever way a record arrives.
 */
export function domainStore(kernel: Kernel): ProtectedStore {
  const store = new ProtectedStore(kernel);
  for (const define of domainRules) define(store);
  return store;
}
