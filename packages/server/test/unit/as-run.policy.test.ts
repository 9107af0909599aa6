import { describe, expect, it } from 'vitest';
import { asRunRefusal, makeGoodRefusal, statusAfterAsRun } from '../../src/modules/ad-sales/as-run.policy.js';

describe('as-run confirms every spot', () => {
  it.each([
    // [count, status, aired, missed, misaired, refused?, status after]
    [4, 'booked', 4, 0, 0, false, 'aired'],
    [4, 'booked', 2, 1, 1, false, 'missed'],
    [4, 'booked', 3, 0, 1, false, 'misaired'],
    [4, 'booked', 0, 4, 0, false, 'missed'],
    [4, 'aired', 3, 1, 0, false, 'missed'],
    [4, 'booked', 3, 0, 0, true, 'aired'],
    [4, 'booked', 4, 1, 0, true, 'missed'],
    [4, 'cancelled', 4, 0, 0, true, 'aired'],
  ])('%i spots (%s): aired %i missed %i mis-aired %i → refused %s, %s', (count, status, aired, missed, misaired, refused, after) => {
    expect(asRunRefusal({ count, status }, { aired, missed, misaired }) !== null).toBe(refused);
    expect(statusAfterAsRun({ aired, missed, misaired })).toBe(after);
  });
});

describe('make-goods never exceed the missed and mis-aired spots', () => {
  const original = (missedCount: number, misairedCount: number, status = 'missed') => ({ id: 'b1', missedCount, misairedCount, status });
  it.each([
    // [missed, mis-aired, already made good, requested, refused?]
    [2, 0, 0, 2, false],
    [2, 0, 0, 3, true],
    [1, 1, 1, 1, false],
    [1, 1, 1, 2, true],
    [2, 0, 2, 1, true],
    [0, 0, 0, 1, true],
  ])('missed %i, mis-aired %i, made good %i, +%i → refused %s', (missed, misaired, already, requested, refused) => {
    expect(makeGoodRefusal({ original: original(missed, misaired), alreadyMadeGood: already, requested }) !== null).toBe(refused);
  });

  it('says how many are owed and how many remain', () => {
    expect(makeGoodRefusal({ original: original(2, 1), alreadyMadeGood: 1, requested: 3 })).toBe(
      'booking b1 has 3 missed or mis-aired spot(s) and 1 already made good; 3 more cannot be made good (at most 2)',
    );
  });

  it('a cancelled booking has nothing to make good', () => {
    expect(makeGoodRefusal({ original: original(2, 0, 'cancelled'), alreadyMadeGood: 0, requested: 1 })).toContain('cancelled');
  });
});
