import { type PaymentStatus, paymentStatus } from './payment-schedule.policy.js';

/**
 * The licensing dashboard's arithmetic (pure), over aggregates the store computed from what the
 * asking user may see: licence revenue (fees of signed licences) by title and year of signature,
 * payments by status and currency, and the unpaid ones by month due.
 */
export interface RevenueGroup {
  titleId: unknown;
  signedOn: unknown;
  currency: unknown;
  count: number;
  feeFen: unknown;
}

export function revenueByTitleAndYear(groups: readonly RevenueGroup[]) {
  const out = new Map<string, { titleId: string; year: number; currency: string; licences: number; feeFen: number }>();
  for (const g of groups) {
    if (!g.signedOn) continue;
    const year = Number(String(g.signedOn).slice(0, 4));
    const key = `${g.titleId}|${year}|${g.currency}`;
    const row = out.get(key) ?? { titleId: String(g.titleId), year, currency: String(g.currency), licences: 0, feeFen: 0 };
    row.licences += g.count;
    row.feeFen += Number(g.feeFen);
    out.set(key, row);
  }
  return [...out.values()].sort((a, b) => a.titleId.localeCompare(b.titleId) || a.year - b.year || a.currency.localeCompare(b.currency));
}

/** Revenue rows with their titles' names (reference data: every licensing reader sees every title). */
export function withTitleNames<T extends { titleId: string }>(rows: readonly T[], titles: readonly { id: unknown; titleZh: unknown; titleEn: unknown }[]) {
  const byId = new Map(titles.map((t) => [String(t.id), t]));
  return rows.map((row) => {
    const title = byId.get(row.titleId);
    return { ...row, titleZh: title ? String(title.titleZh) : null, titleEn: title?.titleEn ? String(title.titleEn) : null };
  });
}

export interface PaymentGroup {
  currency: unknown;
  dueDate: unknown;
  paidOn: unknown;
  count: number;
  amountFen: unknown;
}

type Money = { currency: string; count: number; amountFen: number };

export function paymentsByStatus(groups: readonly PaymentGroup[], today: string) {
  const totals: Record<PaymentStatus, Map<string, Money>> = { due: new Map(), overdue: new Map(), paid: new Map() };
  const months = new Map<string, { month: string; status: 'due' | 'overdue'; currency: string; count: number; amountFen: number }>();
  for (const g of groups) {
    const currency = String(g.currency ?? '');
    const status = paymentStatus({ dueDate: String(g.dueDate), paidOn: (g.paidOn as string | null) ?? null }, today);
    const total = totals[status].get(currency) ?? { currency, count: 0, amountFen: 0 };
    total.count += g.count;
    total.amountFen += Number(g.amountFen);
    totals[status].set(currency, total);
    if (status === 'paid') continue;
    const month = String(g.dueDate).slice(0, 7);
    const key = `${month}|${status}|${currency}`;
    const row = months.get(key) ?? { month, status, currency, count: 0, amountFen: 0 };
    row.count += g.count;
    row.amountFen += Number(g.amountFen);
    months.set(key, row);
  }
  const list = (m: Map<string, Money>) => [...m.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  return {
    due: list(totals.due),
    overdue: list(totals.overdue),
    paid: list(totals.paid),
    byMonth: [...months.values()].sort((a, b) => a.month.localeCompare(b.month) || a.status.localeCompare(b.status) || a.currency.localeCompare(b.currency)),
  };
}
