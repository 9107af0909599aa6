import { describe, expect, it } from 'vitest';
import { paymentsByStatus, revenueByTitleAndYear, withTitleNames } from '../../../src/modules/licensing/licensing-dashboard.policy.js';
import { feeRefusal, paymentStatus, scheduleRefusal, scheduleSummary } from '../../../src/modules/licensing/payment-schedule.policy.js';

const payment = (id: string, amountFen: number, dueDate: string, paidOn: string | null = null) => ({ id, amountFen, dueDate, paidOn });

describe('payment status, derived from today', () => {
  it.each([
    ['2026-05-01', null, '2026-04-30', 'due'],
    ['2026-05-01', null, '2026-05-01', 'due'],
    ['2026-05-01', null, '2026-05-02', 'overdue'],
    ['2026-05-01', '2026-05-03', '2026-06-01', 'paid'],
    ['2026-05-01', '2026-04-01', '2026-04-15', 'paid'],
  ] as const)('due %s, paid %s, today %s: %s', (dueDate, paidOn, today, expected) => {
    expect(paymentStatus({ dueDate, paidOn }, today)).toBe(expected);
  });
});

describe('a schedule against the fee', () => {
  const others = [payment('p1', 300_00, '2026-01-31'), payment('p2', 200_00, '2026-06-30')];

  it.each([
    ['fills the fee exactly', { id: 'new', amountFen: 500_00 }, null],
    ['one fen over', { id: 'new', amountFen: 500_01 }, 'by 1 fen'],
    ['an update replaces its previous amount', { id: 'p2', amountFen: 700_00 }, null],
    [
      'an update one fen over',
      { id: 'p2', amountFen: 700_01 },
      'would total 100001 fen (1000.01 CNY), more than the licence fee of 100000 fen (1000.00 CNY) by 1 fen',
    ],
  ] as const)('%s', (_name, written, expected) => {
    const refusal = scheduleRefusal(1000_00, 'CNY', others, written);
    if (expected === null) expect(refusal).toBeNull();
    else expect(refusal).toContain(expected);
  });

  it('refuses a fee lowered under its schedule, not one that still holds it', () => {
    expect(feeRefusal(500_00, 'CNY', others)).toBeNull();
    expect(feeRefusal(499_99, 'CNY', others)).toBe(
      'the licence fee of 49999 fen (499.99 CNY) would be less than its payment schedule, which totals 50000 fen (500.00 CNY)',
    );
  });

  it('sums a schedule by status', () => {
    const all = [payment('a', 100, '2026-01-01', '2026-01-02'), payment('b', 200, '2026-02-01'), payment('c', 400, '2026-12-01')];
    expect(scheduleSummary(1000, all, '2026-03-01')).toEqual({
      feeFen: 1000,
      scheduledFen: 700,
      unscheduledFen: 300,
      paidFen: 100,
      dueFen: 400,
      overdueFen: 200,
    });
  });
});

describe('the licensing dashboard arithmetic', () => {
  it('adds signed fees up by title, year and currency', () => {
    expect(
      revenueByTitleAndYear([
        { titleId: 't1', signedOn: '2026-01-05', currency: 'CNY', count: 1, feeFen: 100 },
        { titleId: 't1', signedOn: '2026-11-30', currency: 'CNY', count: 2, feeFen: 250 },
        { titleId: 't1', signedOn: '2025-12-31', currency: 'CNY', count: 1, feeFen: 7 },
        { titleId: 't1', signedOn: '2026-03-01', currency: 'USD', count: 1, feeFen: 9 },
        { titleId: 't0', signedOn: null, currency: 'CNY', count: 1, feeFen: 1 },
      ]),
    ).toEqual([
      { titleId: 't1', year: 2025, currency: 'CNY', licences: 1, feeFen: 7 },
      { titleId: 't1', year: 2026, currency: 'CNY', licences: 3, feeFen: 350 },
      { titleId: 't1', year: 2026, currency: 'USD', licences: 1, feeFen: 9 },
    ]);
  });

  it('names the titles it knows', () => {
    const rows = [
      { titleId: 't1', year: 2026 },
      { titleId: 't2', year: 2026 },
    ];
    expect(withTitleNames(rows, [{ id: 't1', titleZh: '山城往事', titleEn: null }])).toEqual([
      { titleId: 't1', year: 2026, titleZh: '山城往事', titleEn: null },
      { titleId: 't2', year: 2026, titleZh: null, titleEn: null },
    ]);
  });

  it('splits payments into due, overdue and paid, and the unpaid by month', () => {
    const out = paymentsByStatus(
      [
        { currency: 'CNY', dueDate: '2026-02-10', paidOn: null, count: 1, amountFen: 50 },
        { currency: 'CNY', dueDate: '2026-02-20', paidOn: null, count: 2, amountFen: 70 },
        { currency: 'CNY', dueDate: '2026-01-10', paidOn: '2026-01-09', count: 1, amountFen: 5 },
      ],
      '2026-02-15',
    );
    expect(out.overdue).toEqual([{ currency: 'CNY', count: 1, amountFen: 50 }]);
    expect(out.due).toEqual([{ currency: 'CNY', count: 2, amountFen: 70 }]);
    expect(out.paid).toEqual([{ currency: 'CNY', count: 1, amountFen: 5 }]);
    expect(out.byMonth).toEqual([
      { month: '2026-02', status: 'due', currency: 'CNY', count: 2, amountFen: 70 },
      { month: '2026-02', status: 'overdue', currency: 'CNY', count: 1, amountFen: 50 },
    ]);
  });
});
