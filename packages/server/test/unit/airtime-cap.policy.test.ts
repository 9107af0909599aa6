import { describe, expect, it } from 'vitest';
import { type AirtimeUse, airtimeRefusal, hourOf, minutesAndSeconds } from '../../src/modules/ad-sales/airtime-cap.policy.js';

const tv = { code: 'CCTV-1', kind: 'tv' };
const radio = { code: 'FM101.8', kind: 'radio' };
const big = { startTime: '00:00', maxDuration: 3600 };
/** `seconds` of commercials in break b<hour> of that hour. */
const use = (hour: number, seconds: number, publicService = false, breakId = `b${hour}`): AirtimeUse => ({ hour, seconds, publicService, breakId });
const check = (channel: typeof tv, others: AirtimeUse[], booking: AirtimeUse, breakSlot = big) =>
  airtimeRefusal({ channel, date: '2026-12-01', others, booking, breakSlot });

describe('the 12-minute hour (总局令61号 第十五条)', () => {
  it.each([
    // [already in the hour (s), booking (s), refused?]
    [0, 720, false],
    [0, 721, true],
    [705, 15, false],
    [706, 15, true],
    [720, 5, true],
    [600, 120, false],
  ])('%i s already + %i s → refused %s', (already, seconds, refused) => {
    const refusal = check(radio, [use(10, already)], use(10, seconds));
    expect(refusal !== null).toBe(refused);
  });

  it('names the channel, the date, the clock hour and the minutes', () => {
    expect(check(tv, [use(14, 710)], use(14, 15))).toBe(
      'CCTV-1 on 2026-12-01: the 14:00–15:00 hour would carry 12 min 5 s (725 s) of commercials; at most 12 min (720 s) per clock hour are allowed (总局令61号 第十五条)',
    );
  });

  it('counts only the same clock hour, and never public-service spots', () => {
    expect(check(tv, [use(9, 720), use(11, 720)], use(10, 720))).toBeNull();
    expect(check(tv, [use(10, 600, true)], use(10, 720))).toBeNull();
    expect(check(tv, [use(10, 720)], use(10, 60, true))).toBeNull();
  });

  it('a booking that takes no airtime (cancelled, all missed) is never refused', () => {
    expect(check(tv, [use(10, 900)], use(10, 0))).toBeNull();
  });
});

describe('the 18 minutes of 19:00–21:00 on TV (总局令61号 第十七条)', () => {
  it.each([
    // [19:00 hour (s), 20:00 hour (s), booking hour, booking (s), channel, refused?]
    [540, 540, 20, 0, tv, false],
    [540, 525, 20, 15, tv, false],
    [540, 526, 20, 15, tv, true],
    [720, 360, 19, 1, tv, true],
    [600, 480, 18, 720, tv, false],
    [600, 480, 21, 720, tv, false],
    [720, 720, 20, 0, radio, false],
    [540, 540, 20, 15, radio, false],
    [540, 540, 19, 15, { code: 'OTT-1', kind: 'ott' }, false],
  ])('19h %i s, 20h %i s, +%i:00 %i s → refused %s', (h19, h20, hour, seconds, channel, refused) => {
    const refusal = check(channel, [use(19, h19), use(20, h20)], use(hour, seconds));
    expect(refusal !== null, String(refusal)).toBe(refused);
  });

  it('names the window and the minutes', () => {
    expect(check(tv, [use(19, 600), use(20, 480)], use(20, 30))).toBe(
      'CCTV-1 on 2026-12-01: 19:00–21:00 would carry 18 min 30 s (1110 s) of commercials; at most 18 min (1080 s) are allowed on TV (总局令61号 第十七条)',
    );
  });

  it('a break counts in the hour of its start: 18:59 and 21:00 are outside the window, 19:00 and 20:59 inside', () => {
    const full = [use(19, 600), use(20, 480)];
    expect(check(tv, full, use(hourOf('18:59'), 60))).toBeNull();
    expect(check(tv, full, use(hourOf('21:00'), 60))).toBeNull();
    expect(check(tv, full, use(hourOf('19:00'), 60))).not.toBeNull();
    expect(check(tv, full, use(hourOf('20:59'), 60))).not.toBeNull();
  });
});

describe('the capacity of a break', () => {
  it.each([
    [90, 30, false],
    [90, 31, true],
    [0, 120, false],
    [0, 121, true],
  ])('%i s in the break + %i s (capacity 120 s) → refused %s', (already, seconds, refused) => {
    const slot = { startTime: '19:30', maxDuration: 120 };
    const refusal = check(tv, [use(19, already, false, 'x')], use(19, seconds, false, 'x'), slot);
    expect(refusal !== null).toBe(refused);
    if (refused) expect(refusal).toContain('the break at 19:30 would hold');
  });

  it('public-service spots take room in the break too', () => {
    expect(check(tv, [use(19, 100, true, 'x')], use(19, 30, false, 'x'), { startTime: '19:30', maxDuration: 120 })).toContain('120 s');
  });
});

describe('minutesAndSeconds', () => {
  it.each([
    [0, '0 s'],
    [59, '59 s'],
    [60, '1 min'],
    [725, '12 min 5 s'],
    [1080, '18 min'],
  ])('%i → %s', (s, text) => expect(minutesAndSeconds(s)).toBe(text));
});
