import { describe, expect, it } from 'vitest';
import { accountRule, addressRule, backoffMs, backoffSteps, secondFactorRule } from '../../src/platform/identity/throttle-rules.js';

describe('throttle back-off', () => {
  it.each([
    // [consecutive failures, rule, back-off ms]
    [0, accountRule, 0],
    [5, accountRule, 0],
    [6, accountRule, 1000],
    [7, accountRule, 2000],
    [15, accountRule, 512_000],
    [16, accountRule, 900_000],
    [1000, accountRule, 900_000],
    [20, addressRule, 0],
    [21, addressRule, 1000],
    [5, secondFactorRule, 0],
    [6, secondFactorRule, 1000],
    [8, secondFactorRule, 4000],
  ] as const)('after %i consecutive failures: %o → %i ms', (consecutive, rule, ms) => {
    expect(backoffMs(consecutive, rule)).toBe(ms);
  });

  it('lists every distinct step, ending at the 15-minute ceiling', () => {
    expect(backoffSteps(accountRule)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900].map((s) => s * 1000));
  });

  it('keeps the second factor stricter than passwords', () => {
    expect(secondFactorRule.hourlyCap).toBeLessThan(accountRule.hourlyCap);
    expect(secondFactorRule.freeFailures).toBeLessThanOrEqual(accountRule.freeFailures);
  });
});
