import { describe, expect, it } from 'vitest';
import { fieldCatalogue, objectSpecs } from '../../src/catalogue/index.js';
import {
  contractEndColumn,
  holdsPersonalData,
  isDue,
  purposeColumn,
  type RetentionProblemCode,
  retentionCutoff,
  retentionObjects,
  retentionRuleProblems,
  retentionRunOrder,
  uncoveredObjects,
} from '../../src/retention/index.js';

const valid = { object: 'contacts', purpose: 'customer_relations', action: 'delete', trigger: 'inactivity', days: 730, enabled: true };
const now = new Date('2026-06-15T12:00:00.000Z');

describe('retention rule validation', () => {
  it.each<[string, Record<string, unknown>, RetentionProblemCode[]]>([
    ['a valid inactivity rule', {}, []],
    ['anonymise', { action: 'anonymise' }, []],
    ['contract end on subscriptions', { object: 'subscriptions', trigger: 'contract_end' }, []],
    ['the lowest number of days', { days: 1 }, []],
    ['the highest number of days', { days: 36_500 }, []],
    ['a disabled rule', { enabled: false }, []],
    ['zero days', { days: 0 }, ['days_out_of_range']],
    ['too many days', { days: 36_501 }, ['days_out_of_range']],
    ['a fraction of a day', { days: 1.5 }, ['days_out_of_range']],
    ['days as text', { days: '30' }, ['days_out_of_range']],
    ['negative days', { days: -5 }, ['days_out_of_range']],
    ['an unknown object', { object: 'planets' }, ['unknown_object']],
    ['an object without personal data', { object: 'channels' }, ['no_personal_data']],
    ['the staff directory', { object: 'users' }, ['no_personal_data']],
    ['an unknown purpose', { purpose: 'curiosity' }, ['unknown_purpose']],
    ['consents kept for marketing', { object: 'consents', purpose: 'marketing' }, []],
    ['consents kept for a purpose they never name', { object: 'consents', purpose: 'service_delivery' }, ['purpose_not_of_object']],
    ['an unknown action', { action: 'archive' }, ['unknown_action']],
    ['an unknown trigger', { trigger: 'moon_phase' }, ['unknown_trigger']],
    ['contract end on an object without an end date', { trigger: 'contract_end' }, ['no_contract_end']],
    ['enabled as text', { enabled: 'yes' }, ['enabled_not_boolean']],
    ['several problems at once', { object: 'planets', days: 0, action: 'burn' }, ['unknown_object', 'unknown_action', 'days_out_of_range']],
  ])('%s', (_, change, codes) => {
    expect(retentionRuleProblems({ ...valid, ...change }).map((p) => p.code)).toEqual(codes);
  });

  it('names the field of each problem and never echoes the value', () => {
    const problems = retentionRuleProblems({ ...valid, object: 'zephyrine@example.org' });
    expect(problems[0]?.field).toBe('object');
    expect(JSON.stringify(problems)).not.toContain('zephyrine');
  });
});

describe('objects a rule may name', () => {
  it('are derived from the catalogue: every object with an encrypted field, a data subject or a personal link', () => {
    const objects = retentionObjects();
    for (const o of ['contacts', 'households', 'billing_accounts', 'subscriptions', 'devices', 'cases', 'activities', 'consents'] as const)
      expect(objects).toContain(o);
    for (const o of ['channels', 'users', 'rate_cards']) expect(objects).not.toContain(o);
    for (const o of Object.keys(fieldCatalogue) as (keyof typeof fieldCatalogue)[]) {
      const spec = objectSpecs[o] as { ownership: string; subject?: unknown };
      if (spec.subject && spec.ownership !== 'directory') expect(holdsPersonalData(o), o).toBe(true);
    }
  });

  it('contract end is declared once in the catalogue (subscriptions: end_date); purpose filters rows that name one', () => {
    expect(contractEndColumn('subscriptions')).toBe('end_date');
    expect(contractEndColumn('contacts')).toBeUndefined();
    expect(purposeColumn('consents')).toBe('purpose');
    expect(purposeColumn('cases')).toBeUndefined();
  });
});

describe('due records', () => {
  it.each<[string, 'inactivity' | 'contract_end', number, string | null, boolean]>([
    ['changed 31 days ago, 30-day rule', 'inactivity', 30, '2026-05-15T11:59:59.000Z', true],
    ['changed exactly 30 days ago', 'inactivity', 30, '2026-05-16T12:00:00.000Z', false],
    ['changed yesterday', 'inactivity', 30, '2026-06-14T12:00:00.000Z', false],
    ['term ended 31 days ago', 'contract_end', 30, '2026-05-15', true],
    ['term ended 30 days ago', 'contract_end', 30, '2026-05-16', false],
    ['term ends next year', 'contract_end', 30, '2027-01-01', false],
    ['open-ended term', 'contract_end', 1, null, false],
    ['empty end date', 'contract_end', 1, '', false],
  ])('%s', (_, trigger, days, value, due) => {
    expect(isDue(trigger, days, value, now)).toBe(due);
  });

  it('cuts off at an instant for inactivity and at a UTC day for contract end', () => {
    expect(retentionCutoff('inactivity', 1, now)).toBe('2026-06-14T12:00:00.000Z');
    expect(retentionCutoff('contract_end', 1, now)).toBe('2026-06-14');
  });
});

describe('run order and coverage', () => {
  it('applies rules on records that name others first (devices before subscriptions before billing accounts before contacts)', () => {
    const order = retentionRunOrder(['contacts', 'billing_accounts', 'devices', 'subscriptions'].map((object) => ({ object }) as { object: 'contacts' })).map(
      (r) => r.object as string,
    );
    expect(order.indexOf('devices')).toBeLessThan(order.indexOf('subscriptions'));
    expect(order.indexOf('subscriptions')).toBeLessThan(order.indexOf('billing_accounts'));
    expect(order.indexOf('billing_accounts')).toBeLessThan(order.indexOf('contacts'));
  });

  it('names every personal object no enabled rule covers', () => {
    const all = retentionObjects();
    expect(uncoveredObjects([])).toEqual(all);
    expect(uncoveredObjects(all.map((object) => ({ object, enabled: true })))).toEqual([]);
    expect(uncoveredObjects(all.map((object) => ({ object, enabled: object !== 'cases' })))).toEqual(['cases']);
  });
});
