import { describe, expect, it } from 'vitest';
import { type RequestClockGroup, summariseWorkload } from '../../src/modules/privacy-requests/privacy-request-dashboard.policy.js';

const now = new Date('2026-06-15T12:00:00Z');
const g = (law: string, status: string, dueAt: string | null, count = 1): RequestClockGroup => ({ law, status, dueAt, count });

describe('the privacy officer workload per law', () => {
  const cases: [string, RequestClockGroup[], string, Partial<Record<'open' | 'overdue' | 'dueWithinWeek' | 'awaitingVerification' | 'closed', number>>][] = [
    ['nothing', [], 'gdpr', { open: 0, overdue: 0, dueWithinWeek: 0, awaitingVerification: 0, closed: 0 }],
    ['an unverified request is open, its clock not started', [g('gdpr', 'unverified', null)], 'gdpr', { open: 1, awaitingVerification: 1, overdue: 0 }],
    ['past due and in progress: overdue', [g('pipl', 'in_progress', '2026-06-15T11:59:59Z')], 'pipl', { open: 1, overdue: 1, dueWithinWeek: 0 }],
    ['due at this instant: not yet overdue, due within a week', [g('pipl', 'verified', '2026-06-15T12:00:00Z')], 'pipl', { overdue: 0, dueWithinWeek: 1 }],
    ['due in exactly seven days: within the week', [g('ccpa', 'verified', '2026-06-22T12:00:00Z')], 'ccpa', { dueWithinWeek: 1 }],
    ['due in eight days: neither', [g('ccpa', 'awaiting_requester', '2026-06-23T12:00:00Z')], 'ccpa', { open: 1, overdue: 0, dueWithinWeek: 0 }],
    ['completed past its due date: closed, never overdue', [g('gdpr', 'completed', '2026-01-01T00:00:00Z', 3)], 'gdpr', { closed: 3, open: 0, overdue: 0 }],
    ['refused: closed', [g('gdpr', 'refused', '2026-07-01T00:00:00Z')], 'gdpr', { closed: 1, open: 0 }],
    [
      'counts add up per law',
      [g('gdpr', 'verified', '2026-06-01T00:00:00Z', 2), g('gdpr', 'in_progress', '2026-06-10T00:00:00Z', 5)],
      'gdpr',
      { open: 7, overdue: 7 },
    ],
    ['another law is not counted', [g('pipl', 'verified', '2026-06-01T00:00:00Z')], 'gdpr', { open: 0, overdue: 0 }],
  ];
  it.each(cases)('%s', (_name, groups, law, expected) => {
    const entry = summariseWorkload(groups, now).find((w) => w.law === law);
    expect(entry).toMatchObject(expected);
  });

  it('answers every law, in a fixed order, and ignores an unknown law', () => {
    expect(summariseWorkload([g('lgpd', 'verified', '2026-01-01T00:00:00Z')], now).map((w) => [w.law, w.open])).toEqual([
      ['gdpr', 0],
      ['ccpa', 0],
      ['pipl', 0],
    ]);
  });
});
