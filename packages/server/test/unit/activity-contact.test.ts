import { describe, expect, it } from 'vitest';
import { contactOfRecord } from '../../src/modules/activities/activity.rules.js';
import type { PlainRecord, RuleContext } from '../../src/platform/data/protected-store.js';

/** Whose key seals an activity's texts: the person the record it is attached to is about. */
const rc = (rows: Record<string, PlainRecord[]> = {}): RuleContext =>
  ({
    actor: {} as never,
    now: new Date(),
    lock: async () => undefined,
    plainRows: async (object: string, where: Record<string, unknown>) => (rows[object] ?? []).filter((r) => r.id === where.id),
  }) as unknown as RuleContext;

describe('the contact an activity is sealed under', () => {
  it.each([
    ['a contact: itself', 'contacts', { id: 'c1' }, 'c1'],
    ['a case: its customer', 'cases', { id: 'k1', contactId: 'c2' }, 'c2'],
    ['a consent: its person', 'consents', { id: 'n1', contactId: 'c3' }, 'c3'],
    ['an account: nobody (the writer names the person)', 'accounts', { id: 'a1' }, undefined],
    ['a campaign: nobody', 'campaigns', { id: 'm1' }, undefined],
  ] as const)('%s', async (_name, object, record, expected) => {
    expect(await contactOfRecord(rc(), object, record)).toBe(expected);
  });
});
