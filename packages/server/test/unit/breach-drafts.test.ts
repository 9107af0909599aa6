import type { BreachView } from '@castellan/shared';
import { describe, expect, it } from 'vitest';
import { breachDrafts } from '../../src/modules/breaches/breach-drafts.js';

const base: BreachView = {
  id: '01a23353-bd0f-7456-861b-d6bc5b61be80',
  discoveredAt: '2026-03-01T08:00:00.000Z',
  occurredAt: null,
  gradeInput: 'major',
  grade: 'major',
  reportableToCac: true,
  peopleAffected: 1200,
  categories: [
    { category: 'contact_details', sensitive: false },
    { category: 'government_id', sensitive: true },
  ],
  status: 'open',
  operatorKind: 'cii',
  clocks: [
    { kind: 'gdpr_authority', dueAt: '2026-03-04T08:00:00.000Z', windowMs: 72 * 3_600_000, status: 'open', reportedAt: null, remainingMs: 1, escalation: null },
    { kind: 'cac', dueAt: '2026-03-01T09:00:00.000Z', windowMs: 3_600_000, status: 'open', reportedAt: null, remainingMs: 1, escalation: null },
    {
      kind: 'pipl_subjects',
      dueAt: '2026-03-01T08:00:00.000Z',
      windowMs: 0,
      status: 'reported',
      reportedAt: '2026-03-01T08:30:00.000Z',
      remainingMs: null,
      escalation: null,
    },
  ],
  overdue: false,
  nextDueAt: '2026-03-01T09:00:00.000Z',
  escalations: [],
  affected: { count: 37, foundAt: '2026-03-01T08:20:00.000Z', compromisedUserId: null, from: null, to: null },
  personal: { description: 'Export file mailed to a wrong address', notes: null },
  createdAt: '2026-03-01T08:05:00.000Z',
  updatedAt: '2026-03-01T08:05:00.000Z',
};

const text = (view: BreachView, kind: string, language: string) => breachDrafts(view).find((d) => d.kind === kind && d.language === language)?.text ?? '';

describe('report drafts', () => {
  it.each<[string, string, string[]]>([
    [
      'gdpr',
      'en',
      [
        '(a) Nature of the breach: Export file mailed to a wrong address',
        'contact details, government ID numbers (sensitive)',
        'data subjects concerned: 37',
        '2026-03-04T08:00:00.000Z',
        '(b) Name and contact details',
      ],
    ],
    [
      'gdpr',
      'zh',
      ['（a）泄露的性质：Export file mailed to a wrong address', '联系方式、证件号码（敏感个人信息）', '约）：37', '72小时期限：2026-03-04T08:00:00.000Z'],
    ],
    [
      'cac',
      'en',
      ['Grade: major (重大); report due: 2026-03-01T09:00:00.000Z', 'about 37 people', 'Individuals notified (PIPL Art. 57): 2026-03-01T08:30:00.000Z'],
    ],
    ['cac', 'zh', ['事件分级：重大；报告时限：2026-03-01T09:00:00.000Z', '涉及人数约 37', '第五十七条）：2026-03-01T08:30:00.000Z']],
  ])('%s in %s carries the required content', (kind, language, expected) => {
    for (const part of expected) expect(text(base, kind, language)).toContain(part);
  });

  it('uses the estimate until subjects are found, and never the sealed text for a caller who may not open it', () => {
    const sealed: BreachView = { ...base, personal: null, affected: { ...base.affected, count: null } };
    for (const draft of breachDrafts(sealed)) expect(draft.text).not.toContain('wrong address');
    expect(text(sealed, 'gdpr', 'en')).toContain('data subjects concerned: 1200');
    expect(text(sealed, 'cac', 'zh')).toContain('【事件描述已加密');
  });

  it('says a 一般 incident needs no CAC report', () => {
    const general: BreachView = {
      ...base,
      grade: 'general',
      gradeInput: 'general',
      reportableToCac: false,
      clocks: base.clocks.filter((c) => c.kind !== 'cac'),
    };
    expect(text(general, 'cac', 'en')).toContain('report due: not required below 较大');
    expect(text(general, 'cac', 'zh')).toContain('一般事件无需报告');
  });
});
