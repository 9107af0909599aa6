import chineseDays from 'chinese-days';
import type { WorkingDayCalendar } from './working-days.js';
import type { LocalDay } from './zoned-day.js';

// The package is CommonJS for Node (no named ESM exports there) and an ES module for the browser: its default works in both.
const { getHolidaysInRange, isWorkday } = chineseDays;
const covered = new Map<number, boolean>();

/** A year is covered once its official schedule is in the package: it has weekday holidays (every year does). */
function published(year: number): boolean {
  let known = covered.get(year);
  if (known === undefined) {
    known = getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
    covered.set(year, known);
  }
  return known;
}

/**
 * The PRC State Council working-day calendar (国务院办公厅 holiday notices: holidays and 调休 make-up
 * working Saturdays / Sundays), from the maintained `chinese-days` package, year by year as published.
 */
export const prcStateCouncilCalendar: WorkingDayCalendar = {
  isWorkingDay: (day: LocalDay) => isWorkday(day),
  covers: published,
};

/**
 * The calendar PIPL deadlines are counted on. A year whose schedule is not yet published (the notice
 * comes out in November for the next year) is counted provisionally as Monday–Friday, and the
 * deadline says so (`provisional`); it is counted again at the request's next write once the package
 * carries the year. Without this, no PIPL request received in late December could have a due date.
 */
export const piplCalendar: WorkingDayCalendar & { provisionalFor(year: number): boolean } = {
  isWorkingDay(day) {
    const year = Number(day.slice(0, 4));
    if (published(year)) return isWorkday(day);
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  },
  covers: () => true,
  provisionalFor: (year) => !published(year),
};
