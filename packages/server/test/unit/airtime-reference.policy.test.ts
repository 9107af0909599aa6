import { describe, expect, it } from 'vitest';
import { breakRefusal, daypartRefusal, validityRefusal } from '../../src/modules/ad-sales/airtime-reference.policy.js';

describe('dayparts', () => {
  it.each([
    ['19:00', '21:00', false],
    ['00:00', '24:00', false],
    ['21:00', '19:00', true],
    ['23:00', '02:00', true],
    ['10:00', '10:00', true],
  ])('%s–%s → refused %s', (startTime, endTime, refused) => expect(daypartRefusal({ startTime, endTime }) !== null).toBe(refused));
});

describe('breaks lie within their daypart, on its channel', () => {
  const prime = { channelId: 'c1', startTime: '19:00', endTime: '21:00', name: 'prime' };
  it.each([
    ['c1', '19:00', false],
    ['c1', '20:59', false],
    ['c1', '21:00', true],
    ['c1', '18:59', true],
    ['c2', '19:30', true],
  ])('channel %s at %s → refused %s', (channelId, startTime, refused) => expect(breakRefusal({ channelId, startTime }, prime) !== null).toBe(refused));
});

describe('validity', () => {
  it.each([
    ['2026-01-01', null, false],
    ['2026-01-01', '2026-01-01', false],
    ['2026-01-02', '2026-01-01', true],
  ])('%s to %s → refused %s', (validFrom, validTo, refused) => expect(validityRefusal({ validFrom, validTo }) !== null).toBe(refused));
});
