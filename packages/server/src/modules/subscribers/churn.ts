/**
 * Subscriber churn by month, from counts of subscriptions grouped by the day they were first activated
 * and the day they were cancelled (what the asking user may see). Pure.
 *
 * - active at the start of month M: activated before M-01 and not cancelled before M-01 (a suspended
 *   subscription — 报停 — is still a subscriber);
 * - cancelled in M: activated at some point and cancelled during M (a pending order withdrawn before
 *   activation is not churn);
 * - churn rate: cancelled in M / active at the start of M (null when nobody was active).
 */
export interface ChurnCounts {
  activatedOn: string | null;
  cancelledOn: string | null;
  count: number;
}

export interface ChurnMonth {
  month: string;
  activeAtStart: number;
  cancelled: number;
  churnRate: number | null;
}

export const maxChurnMonths = 60;

/** The months from `from` to `to` (YYYY-MM), inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const end = to;
  for (;;) {
    const month = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
    if (month > end) break;
    out.push(month);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

export function churnByMonth(rows: readonly ChurnCounts[], from: string, to: string): ChurnMonth[] {
  return monthsBetween(from, to).map((month) => {
    const start = `${month}-01`;
    let activeAtStart = 0;
    let cancelled = 0;
    for (const row of rows) {
      if (row.activatedOn === null) continue;
      if (row.activatedOn < start && (row.cancelledOn === null || row.cancelledOn >= start)) activeAtStart += row.count;
      if (row.cancelledOn?.startsWith(month)) cancelled += row.count;
    }
    return { month, activeAtStart, cancelled, churnRate: activeAtStart === 0 ? null : Math.round((cancelled / activeAtStart) * 10000) / 10000 };
  });
}
