import { readFileSync } from 'node:fs';
import { fieldCatalogue, objectSpecs, storeObjects } from '@castellan/shared';
import { describe, expect, it } from 'vitest';
import { enumOptionsOf, fieldsOf, referencesTo } from '../../src/features/records/catalogue';
import { objectsWithOwnScreens, recordObjects } from '../../src/features/records/objects';

type Tree = { [key: string]: string | Tree };
const load = (lang: string, ns: string) => JSON.parse(readFileSync(new URL(`../../src/locales/${lang}/${ns}.json`, import.meta.url), 'utf8')) as Tree;

/**
 * The record screens cover every store object of the catalogue, with its routes' path segment, and
 * every object, field and enum value has a label in both languages — so a new catalogue field fails
 * here until someone names it in zh and en.
 */
describe('record screens and the catalogue', () => {
  it('serve every store object, under its plural', () => {
    expect(recordObjects.map((o) => o.object).sort()).toEqual(storeObjects.filter((o) => !objectsWithOwnScreens.includes(o)).sort());
    for (const object of objectsWithOwnScreens) expect(storeObjects as readonly string[]).toContain(object);
    for (const { object, plural } of recordObjects) expect(plural, object).toBe((objectSpecs as Record<string, { plural: string }>)[object]?.plural);
  });

  for (const lang of ['en', 'zh-CN']) {
    it(`name every object, field and enum value in ${lang}`, () => {
      const records = load(lang, 'records');
      const fields = load(lang, 'fields');
      const objects = records.objects as Tree;
      const missing: string[] = [];
      for (const { object } of recordObjects) {
        const names = objects[object] as Tree | undefined;
        if (!names?.one || !names?.many) missing.push(`object ${object}`);
        for (const field of fieldsOf(object)) {
          const own = (fields[object] as Tree | undefined)?.[field.name];
          if (!own && !(fields.common as Tree)[field.name]) missing.push(`field ${object}.${field.name}`);
          for (const option of field.options ?? []) {
            if (typeof option === 'string' && !(fields.options as Tree)[option]) missing.push(`option ${object}.${field.name}=${option}`);
          }
        }
      }
      expect(missing).toEqual([]);
    });
  }

  it('reads enum options from the zod inputs (enums and unions of literals)', () => {
    expect(fieldsOf('accounts').find((f) => f.name === 'kind')).toMatchObject({ kind: 'enum', required: true });
    expect(fieldsOf('bookings').find((f) => f.name === 'spotLength')?.options).toEqual([5, 10, 15, 30]);
    expect(enumOptionsOf(fieldCatalogue.channels.kind.input)).toEqual(['tv', 'radio', 'ott']);
  });

  it('knows money, references, personal fields and the filters the list API takes', () => {
    const deal = new Map(fieldsOf('deals').map((f) => [f.name, f]));
    expect(deal.get('amount')?.kind).toBe('money');
    expect(deal.get('accountId')).toMatchObject({ kind: 'reference', references: 'accounts', filterable: true });
    expect(deal.get('notes')).toMatchObject({ personal: true, filterable: false, sortable: false });
    expect(deal.get('flightStart')).toMatchObject({ kind: 'date', rangeable: true });
    const contact = new Map(fieldsOf('contacts').map((f) => [f.name, f]));
    expect(contact.get('email')).toMatchObject({ personal: true, filterable: false });
    expect(contact.get('createdAt')).toMatchObject({ kind: 'datetime', filterable: false, rangeable: true, system: true });
  });

  it("finds the records that point at an account or a contact (an account's deals)", () => {
    const toAccounts = referencesTo('accounts').map((r) => `${r.object}.${r.field}`);
    expect(toAccounts).toEqual(expect.arrayContaining(['contacts.accountId', 'deals.accountId', 'deals.agencyId', 'licenses.licenseeAccountId']));
    expect(referencesTo('contacts').map((r) => `${r.object}.${r.field}`)).toEqual(expect.arrayContaining(['cases.contactId', 'deals.contactId']));
  });
});
