import { f, fieldCatalogue, type ObjectCatalogue } from '@castellan/shared';
import { describe, expect, it } from 'vitest';
import { activityDeclarations } from '../../../src/platform/records/activity-declarations.js';
import { type Catalogue, canonicalJson, catalogueFingerprint, contentHash } from '../../../src/platform/records/catalogue-fingerprint.js';
import { pipiaRequirements } from '../../../src/platform/records/pipia-requirements.js';
import { processingActivities } from '../../../src/platform/records/processing-activities.js';
import { activityFingerprint, pipiaDraft, type RecordInputs, ropaContent } from '../../../src/platform/records/ropa-content.js';

/** A catalogue of two objects, so classification changes can be made and seen. */
const tiny: Catalogue = {
  contacts: {
    id: f('id', 'internal', 'none', 'id', { type: 'id' }),
    name: f('name', 'personal', 'identity', 'name', { blindIndex: 'name', mask: 'name' }),
    idNumber: f('id_number', 'sensitive', 'government_id', 'id number', { mask: 'id_number' }),
  },
  channels: { id: f('id', 'internal', 'none', 'id'), name: f('name', 'public', 'none', 'name') },
  cases: { id: f('id', 'internal', 'none', 'id'), description: f('description', 'personal', 'free_text', 'text', { mask: 'text' }) },
};
const inputs = (over: Partial<RecordInputs> = {}): RecordInputs => ({
  catalogue: tiny,
  controller: { name: 'Star TV', country: 'CN', revision: 1 },
  transfers: [],
  retention: null,
  ...over,
});
const reclassify = (catalogue: Catalogue, object: string, field: string, classification: 'personal' | 'sensitive' | 'internal'): Catalogue => ({
  ...catalogue,
  [object]: { ...(catalogue[object] as ObjectCatalogue), [field]: { ...(catalogue[object]?.[field] as ObjectCatalogue[string]), classification } },
});

describe('processing activities from the catalogue', () => {
  it('one activity per object holding personal data, with fields, categories and the declared measures', () => {
    const activities = processingActivities(tiny);
    expect(activities.map((a) => a.key)).toEqual(['cases', 'contacts']);
    const contacts = activities.find((a) => a.key === 'contacts');
    expect(contacts?.sensitive).toBe(true);
    expect(contacts?.fields).toEqual([
      { field: 'contacts.name', classification: 'personal', piCategory: 'identity', measures: ['encrypted_at_rest', 'blind_index', 'masked'] },
      { field: 'contacts.idNumber', classification: 'sensitive', piCategory: 'government_id', measures: ['encrypted_at_rest', 'masked'] },
    ]);
    expect(contacts?.categories).toEqual([
      { category: 'government_id', sensitive: true },
      { category: 'identity', sensitive: false },
    ]);
    expect(activities.find((a) => a.key === 'cases')?.sensitive).toBe(false);
  });

  it('every object of the real catalogue holding personal data has a declared purpose, subjects and lawful basis', () => {
    const undeclared = processingActivities(fieldCatalogue).filter((a) => !a.declared);
    expect(undeclared.map((a) => a.key)).toEqual([]);
    for (const a of processingActivities(fieldCatalogue)) {
      expect(a.subjects.length, a.key).toBeGreaterThan(0);
      expect(a.lawfulBases.length, a.key).toBeGreaterThan(0);
    }
  });

  it('an object not declared is listed as undeclared rather than left out', () => {
    const withNew: Catalogue = { ...fieldCatalogue, talent: { id: f('id', 'internal', 'none', 'id'), face: f('face', 'sensitive', 'identity', 'photo') } };
    const talent = processingActivities(withNew).find((a) => a.key === 'talent');
    expect(talent).toMatchObject({ declared: false, purpose: null, sensitive: true });
    expect(activityDeclarations.talent).toBeUndefined();
  });

  it('the real catalogue: contacts carry sensitive PI (ID number, minors), campaigns take automated decisions and list the consent purposes', () => {
    const real = processingActivities(fieldCatalogue);
    const contacts = real.find((a) => a.key === 'contacts');
    expect(contacts?.sensitive).toBe(true);
    expect(contacts?.categories).toContainEqual({ category: 'minor', sensitive: true });
    const campaigns = real.find((a) => a.key === 'campaigns');
    expect(campaigns).toMatchObject({ automatedDecision: true, consentPurposes: ['marketing', 'newsletter', 'research', 'profiling'] });
    expect(real.find((a) => a.key === 'consents')?.consentPurposes).toContain('cross_border_transfer');
  });
});

describe('fingerprints and content hashes', () => {
  it('a classification change changes the fingerprint; the same catalogue gives the same one', () => {
    expect(catalogueFingerprint(tiny)).toBe(catalogueFingerprint({ ...tiny }));
    expect(catalogueFingerprint(reclassify(tiny, 'contacts', 'name', 'sensitive'))).not.toBe(catalogueFingerprint(tiny));
    expect(catalogueFingerprint(reclassify(tiny, 'cases', 'description', 'internal'))).not.toBe(catalogueFingerprint(tiny));
  });

  it("an activity's fingerprint moves only with its own objects' fields", () => {
    const changedCases = reclassify(tiny, 'cases', 'description', 'sensitive');
    expect(activityFingerprint(changedCases, 'contacts')).toBe(activityFingerprint(tiny, 'contacts'));
    expect(activityFingerprint(changedCases, 'cases')).not.toBe(activityFingerprint(tiny, 'cases'));
  });

  it('canonical JSON ignores key order, so equal content hashes equal', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(contentHash({ x: 1, y: 2 })).toBe(contentHash({ y: 2, x: 1 }));
    expect(contentHash({ x: 1 })).not.toBe(contentHash({ x: 2 }));
  });
});

describe('the RoPA content', () => {
  it('regenerating from unchanged inputs gives the same hash; a transfer, a controller edit or a classification change a new one', () => {
    const base = contentHash(ropaContent(inputs()));
    expect(contentHash(ropaContent(inputs()))).toBe(base);
    const transfer = {
      id: 't1',
      recipient: 'Subtitle Co. Pte Ltd',
      country: 'SG',
      mechanism: 'standard_contract' as const,
      categories: ['identity'],
      activity: 'contacts',
      status: 'active' as const,
    };
    expect(contentHash(ropaContent(inputs({ transfers: [transfer] })))).not.toBe(base);
    expect(contentHash(ropaContent(inputs({ controller: { name: 'Star TV', country: 'CN', revision: 2 } })))).not.toBe(base);
    expect(contentHash(ropaContent(inputs({ catalogue: reclassify(tiny, 'contacts', 'name', 'sensitive') })))).not.toBe(base);
  });

  it('lists recipients and cross-border transfers per activity, and retention honestly', () => {
    const transfer = {
      id: 't1',
      recipient: 'Subtitle Co.',
      country: 'SG',
      mechanism: 'standard_contract' as const,
      categories: ['identity'],
      activity: 'contacts',
      status: 'active' as const,
    };
    const noRegister = ropaContent(inputs({ transfers: [transfer] }));
    expect(noRegister.retentionRegister).toBe('absent');
    const contacts = noRegister.activities.find((a) => a.key === 'contacts');
    expect(contacts?.recipients).toEqual([
      {
        transferId: 't1',
        recipient: 'Subtitle Co.',
        country: 'SG',
        crossBorder: true,
        mechanism: 'standard_contract',
        categories: ['identity'],
        status: 'active',
      },
    ]);
    expect(contacts?.retention).toEqual([]);
    expect(contacts?.pipiaTriggers).toEqual(['sensitive_pi', 'third_party_provision', 'cross_border']);
    const withRules = ropaContent(inputs({ retention: new Map([['cases', ['delete after 730 days of inactivity']]]) }));
    expect(withRules.retentionRegister).toBe('present');
    expect(withRules.activities.find((a) => a.key === 'cases')?.retention).toEqual(['delete after 730 days of inactivity']);
  });
});

describe('PIPIA requirements (PIPL Art. 55) and drafts', () => {
  const cases: [string, Partial<RecordInputs>, Record<string, string[]>][] = [
    ['sensitive PI only', {}, { contacts: ['sensitive_pi'] }],
    [
      'a domestic provision to another handler',
      { transfers: [{ id: 't', recipient: 'Agency', country: 'CN', mechanism: null, categories: ['free_text'], activity: 'cases', status: 'active' }] },
      { cases: ['third_party_provision'], contacts: ['sensitive_pi'] },
    ],
    [
      'a cross-border transfer',
      {
        transfers: [
          { id: 't', recipient: 'Vendor', country: 'HK', mechanism: 'certification', categories: ['free_text'], activity: 'cases', status: 'planned' },
        ],
      },
      { cases: ['third_party_provision', 'cross_border'], contacts: ['sensitive_pi'] },
    ],
    [
      'an ended transfer needs nothing',
      {
        transfers: [
          { id: 't', recipient: 'Vendor', country: 'US', mechanism: 'standard_contract', categories: ['free_text'], activity: 'cases', status: 'ended' },
        ],
      },
      { contacts: ['sensitive_pi'] },
    ],
    ['no sensitive field left', { catalogue: reclassify(tiny, 'contacts', 'idNumber', 'personal') }, {}],
  ];
  it.each(cases)('%s', (_name, over, expected) => {
    const i = inputs(over);
    const found = pipiaRequirements(processingActivities(i.catalogue), i.transfers, i.controller.country);
    expect(Object.fromEntries(found.map((r) => [r.activity, r.triggers]))).toEqual(expected);
  });

  it('a draft names the sensitive fields, the triggers with their articles and the Art. 56 questions', () => {
    const draft = pipiaDraft(inputs(), 'contacts');
    expect(draft?.triggers).toEqual(['sensitive_pi']);
    expect(draft?.articles).toEqual(['PIPL Art. 55(1)']);
    expect(draft?.fields.filter((x) => x.classification === 'sensitive').map((x) => x.field)).toEqual(['contacts.idNumber']);
    expect(draft?.questions).toHaveLength(3);
    expect(draft?.catalogueFingerprint).toBe(activityFingerprint(tiny, 'contacts'));
    expect(pipiaDraft(inputs(), 'nothing')).toBeNull();
  });
});
