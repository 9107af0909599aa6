import { extensionAllowed, lawTimeZone, type PrivacyLaw } from './request-laws.js';
import { addWorkingDays, type WorkingDayCalendar } from './working-days.js';
import { addDays, addMonths, endOfLocalDay, type LocalDay, localDayOf } from './zoned-day.js';

/** An interval during which the clock stood still after verification (waiting for the person). */
export interface ClockPause {
  readonly from: Date;
  /** null: still paused (counted up to `now`). */
  readonly to: Date | null;
}

export interface DeadlineInput {
  readonly law: PrivacyLaw;
  /** When identity was verified: the clock starts then. null: not verified, no clock runs. */
  readonly verifiedAt: Date | null;
  readonly pauses?: readonly ClockPause[];
  /** The one extension the law allows was taken (with a reason). */
  readonly extended?: boolean;
  /** The controller's configured zone (GDPR, CCPA); PIPL always counts in Asia/Shanghai. */
  readonly controllerTimeZone: string;
  readonly now: Date;
}

export interface Deadline {
  /** The zone the days were counted in. */
  readonly timeZone: string;
  /** The day the clock started (the day of verification, local). */
  readonly startDay: LocalDay;
  /** The last day to answer, local; the answer is on time until its last millisecond. */
  readonly dueDay: LocalDay;
  readonly dueAt: Date;
  /** Whole days the clock stood still (each started day counts), added to the due day. */
  readonly pausedDays: number;
  /** PIPL days were counted over a year whose official calendar is not yet published (Monday–Friday). */
  readonly provisional: boolean;
}

const dayMs = 86_400_000;

/** Whole days paused: a pause of any part of a day adds a day (the person is never shortened). */
export function pausedDaysOf(pauses: readonly ClockPause[], now: Date): number {
  let ms = 0;
  for (const p of pauses) {
    const end = (p.to ?? now).getTime();
    if (end < p.from.getTime()) throw new RangeError('a pause cannot end before it starts');
    ms += end - p.from.getTime();
  }
  return Math.ceil(ms / dayMs);
}

function lawDueDay(law: PrivacyLaw, start: LocalDay, extended: boolean, calendar: WorkingDayCalendar): LocalDay {
  switch (law) {
    case 'gdpr':
      // One month (Art. 12(3)), by two further months when extended: counted from the start day.
      return addMonths(start, extended ? 3 : 1);
    case 'ccpa':
      return addDays(start, extended ? 90 : 45);
    case 'pipl':
      return addWorkingDays(calendar, start, 15);
  }
}

/**
 * The due date of a data-subject request, or null while identity is unverified (the clock stops).
 * GDPR: one calendar month from the start day (31 Jan → 28/29 Feb), three with the extension; CCPA:
 * 45 calendar days, 90 with the extension; PIPL: 15 working days on the State Council calendar.
 * Paused days are added after: calendar days for GDPR / CCPA, working days for PIPL.
 */
export function requestDeadline(input: DeadlineInput, calendar: WorkingDayCalendar & { provisionalFor?(year: number): boolean }): Deadline | null {
  if (!input.verifiedAt) return null;
  const extended = input.extended === true;
  if (extended && !extensionAllowed(input.law)) throw new RangeError(`${input.law} allows no extension`);
  const timeZone = lawTimeZone(input.law, input.controllerTimeZone);
  const startDay = localDayOf(input.verifiedAt, timeZone);
  const pausedDays = pausedDaysOf(input.pauses ?? [], input.now);
  const base = lawDueDay(input.law, startDay, extended, calendar);
  const dueDay = input.law === 'pipl' ? addWorkingDays(calendar, base, pausedDays) : addDays(base, pausedDays);
  let provisional = false;
  if (input.law === 'pipl' && calendar.provisionalFor) {
    for (let year = Number(startDay.slice(0, 4)); year <= Number(dueDay.slice(0, 4)); year += 1) provisional ||= calendar.provisionalFor(year);
  }
  return { timeZone, startDay, dueDay, dueAt: endOfLocalDay(dueDay, timeZone), pausedDays, provisional };
}
