import { addDays, type LocalDay } from './zoned-day.js';

/** Which days are working days: the PRC State Council calendar (holidays and 调休 make-up days). */
export interface WorkingDayCalendar {
  /** True on a working day (a weekday that is not a holiday, or a make-up working Saturday / Sunday). */
  isWorkingDay(day: LocalDay): boolean;
  /** The calendar knows the official schedule of this year. */
  covers(year: number): boolean;
}

/**
 * The day on which `count` working days after `day` have passed: the day itself does not count
 * (a request received on a Friday starts counting on the next working day).
 */
export function addWorkingDays(calendar: WorkingDayCalendar, day: LocalDay, count: number): LocalDay {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('a count of working days must be a whole number ≥ 0');
  let current = day;
  let left = count;
  while (left > 0) {
    current = addDays(current, 1);
    const year = Number(current.slice(0, 4));
    if (!calendar.covers(year)) throw new RangeError(`the working-day calendar does not cover ${year}`);
    if (calendar.isWorkingDay(current)) left -= 1;
  }
  return current;
}
