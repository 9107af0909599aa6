import type { Faker } from '@faker-js/faker';
import type { Actor } from '../platform/authz/actor.js';
import type { ProtectedStore } from '../platform/data/protected-store.js';
import type { Kernel } from '../platform/kernel.js';

/** The demo staff: who does what in the demo organisation (keys of `demoStaff` in demo-users.ts). */
export type DemoPerson =
  | 'securityAdmin'
  | 'auditAdmin'
  | 'privacyOfficer'
  | 'auditor'
  | 'salesManager'
  | 'salesRepEast'
  | 'salesRepNorth'
  | 'licensingManager'
  | 'serviceAgent'
  | 'serviceAgent2'
  | 'marketing';

/** What every demo step gets: the store (with every domain's rules), actors for the demo staff, fakers, and what earlier steps made. */
export interface DemoContext {
  kernel: Kernel;
  store: ProtectedStore;
  /** The demo staff as actors: the operator at the console acting on behalf of each (audited as such). */
  staff: Record<DemoPerson, Actor>;
  zh: Faker;
  en: Faker;
  /** Scale: 1 for the full data set of the issue, smaller for tests. */
  scale: number;
  /** Ids made by earlier steps, by name (`advertisers`, `contacts`, `channels`…). */
  made: Map<string, string[]>;
  /** Now, for dates relative to today. */
  now: Date;
}

/** One step of the demo data set: a domain's records, written through the protected store. */
export interface DemoStep {
  name: string;
  run(ctx: DemoContext): Promise<number>;
}

export const pick = <T>(faker: Faker, items: readonly T[]): T => items[faker.number.int({ min: 0, max: items.length - 1 })] as T;
export const count = (ctx: DemoContext, full: number): number => Math.max(1, Math.round(full * ctx.scale));
export const madeOf = (ctx: DemoContext, name: string): string[] => {
  const ids = ctx.made.get(name);
  if (!ids?.length) throw new Error(`demo step order: nothing made as ${name} yet`);
  return ids;
};
export const isoDate = (d: Date): string => d.toISOString().slice(0, 10);
export const addDays = (d: Date, days: number): Date => new Date(d.getTime() + days * 86_400_000);
