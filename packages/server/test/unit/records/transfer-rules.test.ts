import { describe, expect, it } from 'vitest';
import { type TransferContext, type TransferInput, transferProblems } from '../../../src/platform/records/transfer-rules.js';

const context = (over: Partial<TransferContext> = {}): TransferContext => ({
  home: 'CN',
  operatorKind: 'other',
  activities: new Map([
    [
      'contacts',
      new Map([
        ['identity', false],
        ['contact_details', false],
        ['government_id', true],
      ]),
    ],
    ['cases', new Map([['free_text', false]])],
  ]),
  pipiaActivity: (id) => ({ 'p-contacts': 'contacts', 'p-cases': 'cases' })[id],
  ...over,
});
const input = (over: Partial<TransferInput> = {}): TransferInput => ({
  recipient: 'Subtitle Co. Pte Ltd',
  country: 'SG',
  mechanism: 'standard_contract',
  categories: ['identity'],
  activity: 'contacts',
  subjectsPerYear: 5_000,
  pipiaId: 'p-contacts',
  ...over,
});

/** [case, input change, context change, fields with a problem]. */
const cases: [string, Partial<TransferInput>, Partial<TransferContext>, string[]][] = [
  ['a valid standard-contract transfer to Singapore', {}, {}, []],
  ['a lower-case country code is still a country', { country: 'sg' }, {}, []],
  ['an unknown country code', { country: 'XX' }, {}, ['country']],
  ['an unknown activity', { activity: 'telepathy', pipiaId: null }, {}, ['activity']],
  ['no categories', { categories: [] }, {}, ['categories']],
  ['a category the activity does not process', { categories: ['identity', 'device_identifier'] }, {}, ['categories']],
  ['cross-border without a mechanism', { mechanism: null }, {}, ['mechanism']],
  ['Hong Kong is cross-border from the mainland', { country: 'HK', mechanism: null }, {}, ['mechanism']],
  ['a domestic provision needs no mechanism', { country: 'CN', mechanism: null }, {}, []],
  ['a domestic provision may not name one', { country: 'CN' }, {}, ['mechanism']],
  ['over 1,000,000 people needs a security assessment', { subjectsPerYear: 1_000_001 }, {}, ['mechanism']],
  ['exactly 1,000,000 people may use a standard contract', { subjectsPerYear: 1_000_000 }, {}, []],
  ['over 1,000,000 people under a security assessment', { subjectsPerYear: 2_000_000, mechanism: 'security_assessment' }, {}, []],
  ["over 10,000 people's sensitive PI needs a security assessment", { categories: ['government_id'], subjectsPerYear: 10_001 }, {}, ['mechanism']],
  ["10,000 people's sensitive PI under a certification", { categories: ['government_id'], subjectsPerYear: 10_000, mechanism: 'certification' }, {}, []],
  ['a CII operator always needs a security assessment', {}, { operatorKind: 'cii' }, ['mechanism']],
  ['a CII operator under a security assessment', { mechanism: 'security_assessment' }, { operatorKind: 'cii' }, []],
  ['an unknown PIPIA', { pipiaId: 'p-none' }, {}, ['pipiaId']],
  ["another activity's PIPIA", { pipiaId: 'p-cases' }, {}, ['pipiaId']],
  ['no PIPIA yet is allowed (and flagged on read)', { pipiaId: null }, {}, []],
  ['an EU controller: a transfer within its country', { country: 'DE', mechanism: null }, { home: 'DE' }, []],
];

describe('transfer register rules', () => {
  it.each(cases)('%s', (_name, over, ctx, fields) => {
    const problems = transferProblems(input(over), context(ctx));
    expect(problems.map((p) => p.field)).toEqual(fields);
    for (const p of problems) expect(p.message.length).toBeGreaterThan(10);
  });
});
