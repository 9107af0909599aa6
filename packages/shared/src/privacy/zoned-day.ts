/**
 * Calendar days in a time zone. A request's days are counted in the law's jurisdiction time zone
 * (Asia/Shanghai for PIPL, the controller's configured zone for GDPR and CCPA): "received on the
 * 31st" means the 31st there, whatever the server's clock zone.
 */

/** A calendar day as YYYY-MM-DD. */
export type LocalDay = string;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Year, month (1–12) and day of a YYYY-MM-DD string. */
function ymd(day: LocalDay): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new RangeError(`not a calendar day (YYYY-MM-DD): ${day}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a clear error for a time zone the runtime does not know. */
export function assertTimeZone(timeZone: string): void {
  try {
    formatter(timeZone);
  } catch {
    throw new RangeError(`unknown time zone ${timeZone}`);
  }
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function parts(instant: Date, timeZone: string): Parts {
  const out: Parts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(timeZone).formatToParts(instant)) if (p.type in out) out[p.type as keyof Parts] = Number(p.value);
  return out;
}

/** The calendar day an instant falls on in a time zone. */
export function localDayOf(instant: Date, timeZone: string): LocalDay {
  const p = parts(instant, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Offset of the zone from UTC at an instant, in milliseconds. */
function offsetAt(instant: Date, timeZone: string): number {
  const p = parts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The first instant of a calendar day in a time zone (local midnight). */
export function startOfLocalDay(day: LocalDay, timeZone: string): Date {
  const [y, m, d] = ymd(day);
  const naive = Date.UTC(y, m - 1, d);
  let guess = naive - offsetAt(new Date(naive), timeZone);
  guess = naive - offsetAt(new Date(guess), timeZone);
  return new Date(guess);
}

/** The last millisecond of a calendar day in a time zone: a due date is met until then. */
export function endOfLocalDay(day: LocalDay, timeZone: string): Date {
  return new Date(startOfLocalDay(addDays(day, 1), timeZone).getTime() - 1);
}

/** Calendar arithmetic on days (no time zone involved). */
export function addDays(day: LocalDay, days: number): LocalDay {
  const [y, m, d] = ymd(day);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * Adds calendar months the way EU Regulation 1182/71 counts a period in months: the period ends on
 * the day with the same number; a month without that day ends on its last day (31 Jan + 1 → 28/29 Feb).
 */
export function addMonths(day: LocalDay, months: number): LocalDay {
  const [y, m, d] = ymd(day);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, lastDay))).toISOString().slice(0, 10);
}

/** Whole calendar days from one day to another (negative when `to` is earlier). */
export function daysBetween(from: LocalDay, to: LocalDay): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
