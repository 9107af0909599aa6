/**
 * The airtime caps of 广播电视广告播出管理办法 (总局令61号, in force since 2010-01-01):
 * - 第十五条: commercial advertising on a channel may not exceed 12 minutes in any hour;
 * - 第十七条: on a TV channel, commercial advertising between 19:00 and 21:00 may not exceed
 *   18 minutes in total.
 * Public-service spots (公益广告) are not commercial and count toward neither cap, but they do take
 * room in a break. Assumption (docs/domains/ad-sales.md): all spots of a break count in the clock
 * hour of the break's start time — a break at 18:59 counts in the 18:00 hour and outside 19:00–21:00,
 * a break at 20:59 inside it, a break at 21:00 outside it.
 * Pure: the caller gathers every other booking of the channel on that date (whatever its owner).
 */
export const hourCapSeconds = 12 * 60;
export const primeTimeCapSeconds = 18 * 60;
/** Clock hours of 19:00–21:00. */
export const primeTimeHours: readonly number[] = [19, 20];

export interface AirtimeUse {
  /** Clock hour (0–23) of the break the spots air in. */
  hour: number;
  breakId: string;
  /** Airtime taken: count × length (0 when cancelled, missed spots excluded). */
  seconds: number;
  publicService: boolean;
}

export interface AirtimeCheck {
  channel: { code: string; kind: string };
  date: string;
  /** The other bookings of the channel on the date (not the one being written). */
  others: readonly AirtimeUse[];
  /** The booking being written, as it would be stored. */
  booking: AirtimeUse;
  /** The break of the booking: its start HH:MM and capacity in seconds. */
  breakSlot: { startTime: string; maxDuration: number };
}

/** "12 min 15 s" */
export function minutesAndSeconds(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes === 0) return `${rest} s`;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

/** The clock hour of a time HH:MM. */
export const hourOf = (time: string): number => Number(time.slice(0, 2));

const hh = (hour: number): string => `${String(hour).padStart(2, '0')}:00`;

const commercialIn = (uses: readonly AirtimeUse[], hours: readonly number[]): number =>
  uses.filter((u) => !u.publicService && hours.includes(u.hour)).reduce((sum, u) => sum + u.seconds, 0);

/** Why the booking may not be written (the 409 message), or null when it fits. */
export function airtimeRefusal(check: AirtimeCheck): string | null {
  const { channel, date, others, booking, breakSlot } = check;
  if (booking.seconds <= 0) return null;
  const all = [...others, booking];
  const where = `${channel.code} on ${date}`;
  const inBreak = all.filter((u) => u.breakId === booking.breakId).reduce((sum, u) => sum + u.seconds, 0);
  if (inBreak > breakSlot.maxDuration) {
    return `${where}: the break at ${breakSlot.startTime} would hold ${inBreak} s of spots; it holds at most ${breakSlot.maxDuration} s`;
  }
  if (booking.publicService) return null;
  const hourly = commercialIn(all, [booking.hour]);
  if (hourly > hourCapSeconds) {
    return (
      `${where}: the ${hh(booking.hour)}–${hh(booking.hour + 1)} hour would carry ${minutesAndSeconds(hourly)} (${hourly} s) of commercials; ` +
      `at most ${minutesAndSeconds(hourCapSeconds)} (${hourCapSeconds} s) per clock hour are allowed (总局令61号 第十五条)`
    );
  }
  if (channel.kind === 'tv' && primeTimeHours.includes(booking.hour)) {
    const prime = commercialIn(all, primeTimeHours);
    if (prime > primeTimeCapSeconds) {
      return (
        `${where}: 19:00–21:00 would carry ${minutesAndSeconds(prime)} (${prime} s) of commercials; ` +
        `at most ${minutesAndSeconds(primeTimeCapSeconds)} (${primeTimeCapSeconds} s) are allowed on TV (总局令61号 第十七条)`
      );
    }
  }
  return null;
}
