/**
 * The airtime caps of 广播电视广告播出管理办法 (总局令61号), as the server enforces them in
 * packages/server/src/modules/ad-sales/airtime-cap.policy.ts (copied here: the caps live only in the
 * server; test/unit/broadcast-airtime-caps.test.ts pins the numbers):
 * - at most 12 minutes (720 s) of commercials in any clock hour of a channel;
 * - at most 18 minutes (1080 s) in the peak window: 19:00–21:00 on TV, 11:00–13:00 on radio;
 *   OTT channels have no window (still the 12-minute hour).
 * Public-service spots (公益广告) count toward neither cap. All spots of a break count in the clock
 * hour of the break's start time. The screen refuses before sending; the API still decides.
 * Pure.
 */
export const HOUR_CAP_SECONDS = 12 * 60;
export const PEAK_CAP_SECONDS = 18 * 60;
/** Above this share of a cap an hour shows as "nearly full". */
export const NEAR_SHARE = 0.8;

export type ChannelKind = 'tv' | 'radio' | 'ott' | (string & {});

const peakHours: Record<string, readonly number[]> = { tv: [19, 20], radio: [11, 12] };

/** The clock hours of a channel kind's 18-minute window (empty when it has none). */
export const peakHoursOf = (kind: ChannelKind): readonly number[] => peakHours[kind] ?? [];

export type FillLevel = 'ok' | 'near' | 'full' | 'over';

/** How full `used` seconds are against `cap`. */
export function levelOf(used: number, cap: number): FillLevel {
  if (used > cap) return 'over';
  if (used === cap) return 'full';
  if (used >= cap * NEAR_SHARE) return 'near';
  return 'ok';
}

export interface HourUse {
  hour: number;
  /** Commercial seconds already booked in the hour (public service excluded). */
  commercialSeconds: number;
}

export interface PlannedBooking {
  hour: number;
  spotLength: number;
  count: number;
  publicService: boolean;
}

export type CapRefusal =
  | { kind: 'hour'; hour: number; usedSeconds: number; addSeconds: number; totalSeconds: number; capSeconds: number }
  | { kind: 'peak'; fromHour: number; toHour: number; usedSeconds: number; addSeconds: number; totalSeconds: number; capSeconds: number };

/** Seconds a booking adds: count × length (0 for public service, which counts toward no cap). */
export const secondsOf = (b: Pick<PlannedBooking, 'spotLength' | 'count'>): number => Math.max(0, Math.trunc(b.count)) * Math.max(0, Math.trunc(b.spotLength));

/**
 * Why a planned booking would break a cap (the hour first, then the peak window), or null when it fits.
 * `hours` are the channel's day as GET /api/v1/dashboards/airtime-fill answers it.
 */
export function capRefusal(kind: ChannelKind, hours: readonly HourUse[], booking: PlannedBooking): CapRefusal | null {
  const add = secondsOf(booking);
  if (booking.publicService || add === 0) return null;
  const usedIn = (hour: number) => hours.filter((h) => h.hour === hour).reduce((sum, h) => sum + h.commercialSeconds, 0);
  const used = usedIn(booking.hour);
  if (used + add > HOUR_CAP_SECONDS)
    return { kind: 'hour', hour: booking.hour, usedSeconds: used, addSeconds: add, totalSeconds: used + add, capSeconds: HOUR_CAP_SECONDS };
  const peak = peakHoursOf(kind);
  if (peak.includes(booking.hour)) {
    const inPeak = peak.reduce((sum, hour) => sum + usedIn(hour), 0);
    if (inPeak + add > PEAK_CAP_SECONDS)
      return {
        kind: 'peak',
        fromHour: peak[0] as number,
        toHour: (peak[peak.length - 1] as number) + 1,
        usedSeconds: inPeak,
        addSeconds: add,
        totalSeconds: inPeak + add,
        capSeconds: PEAK_CAP_SECONDS,
      };
  }
  return null;
}

/** "19:00" */
export const clock = (hour: number): string => `${String(hour).padStart(2, '0')}:00`;

/** The clock hour of a time HH:MM. */
export const hourOfTime = (time: string): number => Number(time.slice(0, 2));
