/** Pure reshaping of dashboard answers into chart rows (unit-tested). */

export interface RevenueItem {
  channelId: string;
  channelCode: string | null;
  month: string;
  bookings: number;
  netAmount: number;
}

/** Bookings revenue by month with one column per channel (fen), months in order, channels by code. */
export function revenueByMonth(items: readonly RevenueItem[]): { rows: Record<string, string | number>[]; channels: string[] } {
  const channels = [...new Set(items.map((i) => i.channelCode ?? i.channelId))].sort();
  const months = [...new Set(items.map((i) => i.month))].sort();
  const rows = months.map((month) => {
    const row: Record<string, string | number> = { month };
    for (const channel of channels) row[channel] = 0;
    for (const item of items.filter((i) => i.month === month)) {
      const channel = item.channelCode ?? item.channelId;
      row[channel] = Number(row[channel] ?? 0) + item.netAmount;
    }
    return row;
  });
  return { rows, channels };
}

export interface LicenceRevenue {
  titleId: string;
  titleZh: string | null;
  titleEn: string | null;
  year: number;
  currency: string;
  licences: number;
  feeFen: number;
}

/** Licence fees by year, one column per currency (fen). */
export function licenceRevenueByYear(items: readonly LicenceRevenue[]): { rows: Record<string, number>[]; currencies: string[] } {
  const currencies = [...new Set(items.map((i) => i.currency))].sort();
  const years = [...new Set(items.map((i) => i.year))].sort((a, b) => a - b);
  const rows = years.map((year) => {
    const row: Record<string, number> = { year };
    for (const c of currencies) row[c] = items.filter((i) => i.year === year && i.currency === c).reduce((sum, i) => sum + i.feeFen, 0);
    return row;
  });
  return { rows, currencies };
}

/** The currency most of the money is in (for a chart that can draw one currency at a time). */
export function mainCurrency(amounts: readonly { currency: string; amount: number }[]): string | null {
  const totals = new Map<string, number>();
  for (const a of amounts) totals.set(a.currency, (totals.get(a.currency) ?? 0) + Math.abs(a.amount));
  return [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
}

/** Today as YYYY-MM-DD in the person's time zone. */
export const localToday = (now = new Date()): string =>
  `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;

/** A month YYYY-MM as a short label in the locale ("Mar 2026", "2026年3月"). */
export function monthLabel(month: string, locale: string): string {
  const [y, m] = month.split('-').map(Number);
  if (!y || !m) return month;
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)));
}
