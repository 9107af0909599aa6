import { describe, expect, it } from 'vitest';
import {
  capRefusal,
  clock,
  HOUR_CAP_SECONDS,
  type HourUse,
  hourOfTime,
  levelOf,
  PEAK_CAP_SECONDS,
  type PlannedBooking,
  peakHoursOf,
  secondsOf,
} from '../../src/features/broadcast/airtime-caps';

/**
 * The booking grid's cap arithmetic, copied from the server's airtime-cap.policy.ts (总局令61号):
 * these numbers are pinned so a change on either side is noticed.
 */
describe('airtime caps (web copy of packages/server/src/modules/ad-sales/airtime-cap.policy.ts)', () => {
  it('pins the caps: 12 minutes an hour, 18 minutes in 19:00–21:00 on TV and 11:00–13:00 on radio, no window on OTT', () => {
    expect(HOUR_CAP_SECONDS).toBe(720);
    expect(PEAK_CAP_SECONDS).toBe(1080);
    expect(peakHoursOf('tv')).toEqual([19, 20]);
    expect(peakHoursOf('radio')).toEqual([11, 12]);
    expect(peakHoursOf('ott')).toEqual([]);
  });

  const day = (used: Record<number, number>): HourUse[] => Array.from({ length: 24 }, (_, hour) => ({ hour, commercialSeconds: used[hour] ?? 0 }));
  const plan = (hour: number, spotLength: number, count: number, publicService = false): PlannedBooking => ({ hour, spotLength, count, publicService });

  it.each([
    // [what, kind, used per hour, planned, expected refusal kind or null, total]
    ['an empty hour takes 12 minutes', 'tv', {}, plan(10, 30, 24), null, 0],
    ['one second over the hour', 'tv', { 10: 700 }, plan(10, 5, 5), 'hour', 725],
    ['exactly the hour cap fits', 'tv', { 10: 690 }, plan(10, 30, 1), null, 0],
    ['public service counts toward no cap', 'tv', { 10: 720 }, plan(10, 30, 10, true), null, 0],
    ['TV 19:00 within its hour but over 18 minutes in the window', 'tv', { 19: 600, 20: 460 }, plan(19, 30, 1), 'peak', 1090],
    ['TV 20:00 hour cap comes first', 'tv', { 20: 700 }, plan(20, 30, 1), 'hour', 730],
    ['TV 18:00 is outside the window', 'tv', { 18: 600, 19: 720, 20: 720 }, plan(18, 30, 4), null, 0],
    ['TV 21:00 is outside the window', 'tv', { 19: 540, 20: 540 }, plan(21, 30, 4), null, 0],
    ['radio 19:00 has no window', 'radio', { 19: 600, 20: 600 }, plan(19, 30, 4), null, 0],
    ['radio 11:00–13:00 is its window', 'radio', { 11: 600, 12: 470 }, plan(12, 15, 1), 'peak', 1085],
    ['OTT has only the hour cap', 'ott', { 19: 600, 20: 700 }, plan(19, 30, 4), null, 0],
  ] as const)('%s', (_what, kind, used, planned, expected, total) => {
    const refusal = capRefusal(kind, day(used), planned);
    expect(refusal?.kind ?? null).toBe(expected);
    if (refusal) expect(refusal.totalSeconds).toBe(total);
  });

  it('names the hour and the window in a refusal', () => {
    expect(capRefusal('tv', day({ 19: 700 }), plan(19, 30, 1))).toEqual({
      kind: 'hour',
      hour: 19,
      usedSeconds: 700,
      addSeconds: 30,
      totalSeconds: 730,
      capSeconds: 720,
    });
    expect(capRefusal('tv', day({ 19: 600, 20: 480 }), plan(20, 5, 1))).toMatchObject({ kind: 'peak', fromHour: 19, toHour: 21, totalSeconds: 1085 });
  });

  it.each([
    [0, 720, 'ok'],
    [575, 720, 'ok'],
    [576, 720, 'near'],
    [720, 720, 'full'],
    [721, 720, 'over'],
  ] as const)('%i s of %i s is %s', (used, cap, level) => expect(levelOf(used, cap)).toBe(level));

  it('counts seconds, clock hours and times', () => {
    expect(secondsOf({ spotLength: 15, count: 4 })).toBe(60);
    expect(clock(9)).toBe('09:00');
    expect(hourOfTime('18:59')).toBe(18);
    expect(hourOfTime('21:00')).toBe(21);
  });
});
