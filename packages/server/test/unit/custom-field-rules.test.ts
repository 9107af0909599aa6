import type { RoleKey } from '@castellan/shared';
import { describe, expect, it } from 'vitest';
import { userActor } from '../../src/platform/authz/actor.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import {
  type CustomFieldDefinition,
  checkDefinition,
  customFieldAccess,
  maskedCustomValue,
  presentedCustomValue,
  storedCustomValue,
} from '../../src/platform/data/custom-field-rules.js';
import { tablePlan } from '../../src/platform/data/table-plan.js';

const definition = (type: CustomFieldDefinition['type'], options: string[] | null = null): CustomFieldDefinition => ({
  id: 'f',
  object: 'contacts',
  key: 'k',
  labelZh: 'k',
  labelEn: 'k',
  type,
  options,
  classification: 'internal',
  mask: null,
  createdAt: '',
  updatedAt: '',
});
const user = (roles: RoleKey[]) => userActor({ id: 'me', teamId: 't' }, roles);

describe('custom field values', () => {
  it.each([
    ['integer', 42, '42'],
    ['integer', -7, '-7'],
    ['integer', 0, '0'],
    ['boolean', true, 'true'],
    ['boolean', false, 'false'],
    ['date', '2024-02-29', '2024-02-29'],
    ['text', '华东 region', '华东 region'],
    ['enum', 'gold', 'gold'],
    ['text', null, null],
    ['text', '', null],
    ['integer', null, null],
  ] as const)('%s accepts %j, stored as %j', (type, value, stored) => {
    expect(storedCustomValue(definition(type, type === 'enum' ? ['gold', 'silver'] : null), value)).toBe(stored);
  });

  it.each([
    ['integer', 1.5],
    ['integer', '42'],
    ['integer', Number.MAX_SAFE_INTEGER + 1],
    ['integer', true],
    ['boolean', 'true'],
    ['boolean', 1],
    ['date', '2023-02-29'],
    ['date', '2024-13-01'],
    ['date', '01/02/2024'],
    ['enum', 'platinum'],
    ['enum', 3],
    ['text', 5],
    ['text', '   '],
    ['text', 'x'.repeat(2001)],
  ] as const)('%s refuses %j with 422', (type, value) => {
    expect(() => storedCustomValue(definition(type, type === 'enum' ? ['gold', 'silver'] : null), value)).toThrow(expect.objectContaining({ status: 422 }));
  });

  it.each([
    ['integer', '42', 42],
    ['boolean', 'true', true],
    ['boolean', 'false', false],
    ['date', '2024-02-29', '2024-02-29'],
    ['text', null, null],
  ] as const)('%s stored %j is presented as %j', (type, stored, presented) => {
    expect(presentedCustomValue(definition(type), stored)).toBe(presented);
  });
});

describe('masked custom values', () => {
  it.each([
    ['integer', null, '5', '***'],
    ['integer', null, '250000', '***'],
    ['boolean', null, 'true', '***'],
    ['enum', null, 'gold', '***'],
    ['text', 'text', 'Passport E12345678', 'P***'],
    ['text', 'phone', '13800138000', '1******8000'],
    ['date', 'date', '1990-03-07', '1990-**-**'],
  ] as const)('a %s value with mask %s: %s is shown as %s', (type, mask, plain, shown) => {
    expect(maskedCustomValue({ type, mask }, plain)).toBe(shown);
  });
});

describe('custom field definitions', () => {
  const contacts = tablePlan('contacts');
  const channels = tablePlan('channels');
  it.each([
    ['email', 'built-in field'],
    ['id_number', 'built-in column'],
    ['idNumber', 'built-in field'],
    ['ID_NUMBER'.toLowerCase(), 'built-in column'],
    ['birth_date', 'column of birthDate'],
    ['custom', 'reserved'],
    ['masked_fields', 'reserved'],
  ])('refuses the key %s (%s)', (key) => {
    expect(() => checkDefinition(contacts, { key, type: 'text', classification: 'internal' })).toThrow(expect.objectContaining({ status: 422 }));
  });

  it('needs options for an enum and only there; masks only personal fields; personal only where rows have a data subject', () => {
    expect(() => checkDefinition(contacts, { key: 'tier', type: 'enum', classification: 'internal' })).toThrow(/needs its options/);
    expect(() => checkDefinition(contacts, { key: 'tier', type: 'enum', options: ['a', 'a'], classification: 'internal' })).toThrow(/differ/);
    expect(() => checkDefinition(contacts, { key: 'tier', type: 'text', options: ['a'], classification: 'internal' })).toThrow(/enum fields only/);
    expect(() => checkDefinition(contacts, { key: 'tier', type: 'text', classification: 'public', mask: 'text' })).toThrow(/never masked/);
    expect(() => checkDefinition(channels, { key: 'note', type: 'text', classification: 'personal' })).toThrow(/holds no personal data/);
    expect(checkDefinition(contacts, { key: 'note', type: 'text', classification: 'personal' })).toEqual({ options: null, mask: 'text' });
    expect(checkDefinition(contacts, { key: 'tier', type: 'enum', options: ['a', 'b'], classification: 'internal' })).toEqual({
      options: ['a', 'b'],
      mask: null,
    });
  });
});

describe('what a reader sees of a custom field', () => {
  const contacts = tablePlan('contacts');
  it.each([
    // The most restrictive rule of the role over the built-in fields of the same classification.
    ['sales_manager', 'personal', 'readable'],
    ['sales_manager', 'sensitive', 'masked'],
    ['sales_rep', 'personal', 'masked'],
    ['sales_rep', 'sensitive', 'hidden'],
    ['licensing_manager', 'personal', 'hidden'],
    ['privacy_officer', 'personal', 'readable'],
    ['system_admin', 'personal', 'hidden'],
    ['sales_rep', 'internal', 'readable'],
    ['system_admin', 'public', 'readable'],
  ] as const)('%s sees a %s custom field of contacts: %s', (role, classification, expected) => {
    expect(customFieldAccess(user([role]), contacts, { classification })).toBe(expected);
  });

  it('takes the widest of several roles, and the system sees everything', () => {
    expect(customFieldAccess(user(['sales_rep', 'sales_manager']), contacts, { classification: 'sensitive' })).toBe('masked');
    expect(customFieldAccess(asSystem('test'), contacts, { classification: 'sensitive' })).toBe('readable');
  });
});
