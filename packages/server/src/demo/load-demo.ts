import { storeObjects } from '@castellan/shared';
import { faker as fakerEN } from '@faker-js/faker/locale/en';
import { faker as fakerZH_CN } from '@faker-js/faker/locale/zh_CN';
import { domainStore } from '../modules/domain-store.js';
import type { Actor } from '../platform/authz/actor.js';
import { type Kernel, refreshPlannerStatistics } from '../platform/kernel.js';
import { demoAirtime, demoChannels, demoDeals } from './demo-ad-sales.js';
import type { DemoContext, DemoStep } from './demo-context.js';
import { demoLicensing } from './demo-licensing.js';
import { demoAccounts, demoBusinessContacts } from './demo-parties.js';
import { demoPrivacyRequests } from './demo-privacy-requests.js';
import { demoAgencyLinks, demoCases, demoConsents, demoPrivacyNotices } from './demo-service.js';
import { demoSubscribers } from './demo-subscribers.js';
import { createDemoStaff, type DemoAccount, demoLoaded } from './demo-users.js';

/** The demo data set, in order (later steps use what earlier ones made). Each domain adds its steps. */
export const demoSteps: DemoStep[] = [
  demoAccounts,
  demoBusinessContacts,
  demoChannels,
  demoAirtime,
  demoDeals,
  demoLicensing,
  demoAgencyLinks,
  demoSubscribers,
  demoCases,
  demoConsents,
  demoPrivacyNotices,
  demoPrivacyRequests,
];

export interface DemoOptions {
  /** 1 = the full data set; tests use less. */
  scale?: number;
  /** Faker seed, for a reproducible data set. */
  seed?: number;
  osUser: string;
  /** The operator at the console (`operatorActor('demo')`): creates the staff, audited as such. */
  operator: Actor;
  /** Progress, one line per step. */
  report?: (line: string) => void;
}

/**
 * Loads the demo organisation into an initialised installation: its staff (one per default role,
 * each with a one-time enrolment link) and a living CRM written through the protected store on
 * their behalf (encrypted, scoped, audited like any other write). Refused when already loaded.
 */
export async function loadDemo(kernel: Kernel, options: DemoOptions): Promise<{ accounts: DemoAccount[]; counts: Record<string, number> }> {
  if (await demoLoaded(kernel)) throw new Error('the demo data set is already loaded in this data directory');
  const onBehalf = { osUser: options.osUser, verb: 'demo' };
  const zh = fakerZH_CN;
  const en = fakerEN;
  zh.seed(options.seed ?? 20261201);
  en.seed((options.seed ?? 20261201) + 1);
  // One transaction: a failure anywhere leaves nothing of the demo behind.
  const { accounts, counts } = await kernel.transaction(async (tx) => {
    const { staff, accounts } = await createDemoStaff(kernel, tx, onBehalf, options.operator);
    const ctx: DemoContext = { kernel, store: domainStore(kernel, tx), staff, zh, en, scale: options.scale ?? 1, made: new Map(), now: new Date() };
    const counts: Record<string, number> = {};
    for (const step of demoSteps) {
      counts[step.name] = await step.run(ctx);
      options.report?.(`${step.name}: ${counts[step.name]}`);
    }
    return { accounts, counts };
  });
  // Bulk writes inside the demo's one transaction skip the planner statistics; refresh them once, now.
  for (const object of storeObjects) await refreshPlannerStatistics(kernel, object);
  return { accounts, counts };
}
