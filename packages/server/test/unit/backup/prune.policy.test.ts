import { describe, expect, it } from 'vitest';
import { decidePrune, type KeepPolicy, type PruneCandidate } from '../../../src/platform/backup/prune.policy.js';

const now = new Date('2026-12-02T12:00:00Z');
const daysAgo = (n: number, hour = 2) => new Date(Date.UTC(2026, 11, 2 - n, hour)).toISOString();
/** One good backup a day at 02:00 for the last `days` days (sequence 1 the oldest). */
const daily = (days: number): PruneCandidate[] =>
  Array.from({ length: days }, (_, i) => ({ sequence: i + 1, state: 'good', createdAt: daysAgo(days - 1 - i) }));
const none: KeepPolicy = { withinDays: 0, daily: 0, weekly: 0, monthly: 0 };

describe('which backups pruning keeps', () => {
  it.each<[string, PruneCandidate[], KeepPolicy, boolean, number[]]>([
    ['nothing configured: only the newest good backup stays', daily(10), none, false, [10]],
    ['keep-within 3 days', daily(10), { ...none, withinDays: 3 }, false, [8, 9, 10]],
    ['7 daily', daily(30), { ...none, daily: 7 }, false, [24, 25, 26, 27, 28, 29, 30]],
    ['4 weekly (newest of each ISO week: Sundays, and this Wednesday)', daily(30), { ...none, weekly: 4 }, false, [13, 20, 27, 30]],
    ['2 monthly (30 November, 2 December)', daily(40), { ...none, monthly: 2 }, false, [38, 40]],
    [
      'two a day: daily keeps the newest of each day',
      [
        { sequence: 1, state: 'good', createdAt: daysAgo(1, 2) },
        { sequence: 2, state: 'good', createdAt: daysAgo(1, 14) },
        { sequence: 3, state: 'good', createdAt: daysAgo(0, 2) },
      ],
      { ...none, daily: 2 },
      false,
      [2, 3],
    ],
    [
      'the newest good backup stays even when newer ones failed or are unfinished',
      [
        { sequence: 1, state: 'good', createdAt: daysAgo(40) },
        { sequence: 2, state: 'invalid', createdAt: null },
        { sequence: 3, state: 'incomplete', createdAt: daysAgo(0) },
      ],
      none,
      false,
      [1],
    ],
    ['append-only: the buckets do not apply, only time', daily(30), { withinDays: 5, daily: 7, weekly: 4, monthly: 12 }, true, [26, 27, 28, 29, 30]],
  ])('%s', (_name, backups, policy, appendOnly, kept) => {
    const decision = decidePrune(backups, policy, now, appendOnly);
    expect(decision.keep).toEqual(kept);
    const good = backups.filter((b) => b.state === 'good').map((b) => b.sequence);
    expect(decision.prune).toEqual(good.filter((s) => !kept.includes(s)));
  });

  it('removes unfinished backups older than a day, never younger ones', () => {
    const decision = decidePrune(
      [
        { sequence: 1, state: 'good', createdAt: daysAgo(3) },
        { sequence: 2, state: 'incomplete', createdAt: daysAgo(2) },
        { sequence: 3, state: 'incomplete', createdAt: new Date(now.getTime() - 3600_000).toISOString() },
      ],
      none,
      now,
      false,
    );
    expect(decision.removeIncomplete).toEqual([2]);
  });
});
