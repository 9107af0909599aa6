import { describe, expect, it } from 'vitest';
import { churnByMonth, monthsBetween } from '../../src/modules/subscribers/churn.js';

describe('subscriber churn by month', () => {
  it('lists months across a year end', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-03', '2026-03')).toEqual(['2026-03']);
    expect(monthsBetween('2026-04', '2026-03')).toEqual([]);
  });

  const rows = [
    { activatedOn: '2025-12-15', cancelledOn: null, count: 10 }, // active from January on
    { activatedOn: '2025-12-20', cancelledOn: '2026-01-01', count: 2 }, // active at 1 Jan, cancelled on the 1st: January churn
    { activatedOn: '2026-01-05', cancelledOn: '2026-02-28', count: 3 }, // active at 1 Feb, cancelled in February
    { activatedOn: '2026-02-01', cancelledOn: null, count: 4 }, // activated on the 1st: not active at the start of February
    { activatedOn: null, cancelledOn: '2026-01-10', count: 7 }, // never activated: not churn
    { activatedOn: '2026-01-31', cancelledOn: '2026-01-31', count: 1 }, // activated and cancelled in January: churn, never active at a month start
  ];

  it.each([
    ['2025-12', 0, 0, null],
    ['2026-01', 12, 3, 0.25],
    ['2026-02', 13, 3, 0.2308],
    ['2026-03', 14, 0, 0],
  ] as const)('%s: active at start %i, cancelled %i, rate %s', (month, activeAtStart, cancelled, churnRate) => {
    expect(churnByMonth(rows, month, month)).toEqual([{ month, activeAtStart, cancelled, churnRate }]);
  });

  it('one entry per month of the range, in order', () => {
    expect(churnByMonth(rows, '2025-12', '2026-03').map((m) => m.month)).toEqual(['2025-12', '2026-01', '2026-02', '2026-03']);
    expect(churnByMonth([], '2026-01', '2026-01')).toEqual([{ month: '2026-01', activeAtStart: 0, cancelled: 0, churnRate: null }]);
  });
});
