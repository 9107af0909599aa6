import { describe, expect, it } from 'vitest';
import { checkViewQuery, withSavedView } from '../../src/platform/data/saved-views.js';
import { plannedSort } from '../../src/platform/data/store-sort.js';
import { tablePlan } from '../../src/platform/data/table-plan.js';

const contacts = tablePlan('contacts');
const accounts = tablePlan('accounts');
const empty = { filters: {}, ranges: {}, sort: undefined };

describe('saved view and sort rules', () => {
  it.each([
    ['a filter on a personal field', contacts, { ...empty, filters: { email: 'a@example.com' } }],
    ['a filter on a sensitive field', contacts, { ...empty, filters: { idNumber: '1' } }],
    ['a sort on a personal field', contacts, { ...empty, sort: { field: 'name', order: 'asc' as const } }],
    ['a range on a personal field', contacts, { ...empty, ranges: { birthDate: { from: '2000-01-01' } } }],
    ['an unknown field', accounts, { ...empty, filters: { nothing: 'x' } }],
    ['a number for a text field', accounts, { ...empty, filters: { name: 5 } }],
    ['a range on a text field', accounts, { ...empty, ranges: { name: { from: 'a' } } }],
    ['an exact filter on a time', accounts, { ...empty, filters: { createdAt: '2026-01-01T00:00:00Z' } }],
  ])('refuses %s with 422', (_, plan, query) => {
    expect(() => checkViewQuery(plan, query)).toThrow(expect.objectContaining({ status: 422 }));
  });

  it.each([
    ['plain filters', accounts, { ...empty, filters: { kind: 'agency', industry: null } }],
    ['a range on a time', accounts, { ...empty, ranges: { createdAt: { from: '2026-01-01T00:00:00Z' } } }],
    ['a sort on a plain field', contacts, { ...empty, sort: { field: 'createdAt', order: 'desc' as const } }],
    ['a filter on a reference', contacts, { ...empty, filters: { accountId: '0190a000-0000-7000-8000-000000000000' } }],
  ])('accepts %s', (_, plan, query) => {
    expect(() => checkViewQuery(plan, query)).not.toThrow();
  });

  it('lets the query win over the view', () => {
    const view = {
      filters: { kind: 'agency', industry: 'media', 'custom.tier': 'gold', 'custom.region': 'east' },
      ranges: {},
      sort: { field: 'name', order: 'desc' as const },
    };
    expect(withSavedView({ filters: { kind: 'advertiser' }, customFilters: { region: 'west' } }, view)).toEqual({
      filters: { kind: 'advertiser', industry: 'media' },
      customFilters: { tier: 'gold', region: 'west' },
      ranges: {},
      sort: { field: 'name', order: 'desc' },
    });
    expect(withSavedView({ sort: { field: 'kind', order: 'asc' as const } }, view).sort).toEqual({ field: 'kind', order: 'asc' });
  });

  it('sorts by plain fields and plain custom fields only; id ascending is the unsorted order', () => {
    expect(() => plannedSort(contacts, { field: 'phone', order: 'asc' })).toThrow(expect.objectContaining({ status: 422 }));
    expect(plannedSort(contacts, { field: 'id', order: 'asc' })).toBeUndefined();
    expect(plannedSort(contacts, { field: 'id', order: 'desc' })?.name).toBe('id');
    expect(plannedSort(accounts, { field: 'createdAt', order: 'asc' })).toMatchObject({ name: 'createdAt', numeric: false, order: 'asc' });
    const definition = (key: string, classification: 'internal' | 'personal', type: 'integer' | 'text') =>
      ({
        id: key,
        object: 'contacts',
        key,
        labelZh: key,
        labelEn: key,
        type,
        options: null,
        classification,
        mask: null,
        createdAt: '',
        updatedAt: '',
      }) as const;
    const definitions = [definition('score', 'internal', 'integer'), definition('note', 'personal', 'text')];
    expect(plannedSort(contacts, { field: 'custom.score', order: 'desc' }, definitions)).toMatchObject({ name: 'custom.score', numeric: true });
    expect(() => plannedSort(contacts, { field: 'custom.note', order: 'asc' }, definitions)).toThrow(expect.objectContaining({ status: 422 }));
    expect(() => plannedSort(contacts, { field: 'custom.none', order: 'asc' }, definitions)).toThrow(expect.objectContaining({ status: 422 }));
  });
});
