/**
 * Calendar days of licensing windows. Windows are inclusive (a window ending on 2026-06-30 and one
 * starting on 2026-07-01 touch without overlapping); days are counted in UTC, as dates have no time.
 */
const msPerDay = 86_400_000;

/** The day number of a date YYYY-MM-DD (days since 1970-01-01). */
export const dayOf = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / msPerDay);

/** The date YYYY-MM-DD of a day number. */
export const dateOf = (day: number): string => new Date(day * msPerDay).toISOString().slice(0, 10);

/** Today's date in UTC. */
export const todayOf = (now: Date): string => now.toISOString().slice(0, 10);

/** An inclusive range of days. */
export interface DayRange {
  readonly from: number;
  readonly to: number;
}

/** The days two inclusive ranges share, or null. */
export function intersect(a: DayRange, b: DayRange): DayRange | null {
  const from = Math.max(a.from, b.from);
  const to = Math.min(a.to, b.to);
  return from <= to ? { from, to } : null;
}

/** The parts of `range` that none of `covers` covers, in order. */
export function uncoveredDays(range: DayRange, covers: readonly DayRange[]): DayRange[] {
  const sorted = [...covers].sort((a, b) => a.from - b.from);
  const gaps: DayRange[] = [];
  let next = range.from;
  for (const cover of sorted) {
    if (cover.to < next) continue;
    if (cover.from > range.to) break;
    if (cover.from > next) gaps.push({ from: next, to: Math.min(cover.from - 1, range.to) });
    next = Math.max(next, cover.to + 1);
    if (next > range.to) break;
  }
  if (next <= range.to) gaps.push({ from: next, to: range.to });
  return gaps;
}

/** "2026-01-01 to 2026-06-30" (or one day). */
export const describeDays = (range: DayRange): string => (range.from === range.to ? dateOf(range.from) : `${dateOf(range.from)} to ${dateOf(range.to)}`);
