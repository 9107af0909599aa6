import { describe, expect, it } from 'vitest';
import {
  chooseBaseline,
  HourOfWeekCounters,
  hourOfWeek,
  hourOfWeekOfLocalHour,
  localHourIndex,
  MAD_TO_SIGMA,
  meanAbsoluteDeviation,
  median,
  medianAbsoluteDeviation,
  observeHour,
  type PeerProfile,
  peerBaseline,
  priorityOf,
  rankPeers,
  robustBaseline,
  robustScale,
  robustZ,
  scoreActivity,
} from '../../../src/platform/monitor/baseline/index.js';

const utc = (iso: string) => Date.parse(`${iso}Z`);

describe('hour of week', () => {
  it.each([
    ['2024-01-01T00:00:00', 'UTC', 0], // a Monday
    ['2024-01-01T13:30:00', 'UTC', 13],
    ['2024-01-03T10:00:00', 'UTC', 58],
    ['2024-01-07T23:59:59', 'UTC', 167],
    ['2024-01-08T00:00:00', 'UTC', 0],
    ['2023-12-31T15:59:59', 'Asia/Shanghai', 167], // Sunday 23:59 in Beijing
    ['2023-12-31T16:00:00', 'Asia/Shanghai', 0], // Monday 00:00 in Beijing
    ['2024-01-01T00:00:00', 'Asia/Shanghai', 8],
    ['2024-01-07T15:00:00', 'Asia/Shanghai', 167],
    ['2024-01-07T16:00:00', 'Asia/Shanghai', 0],
  ])('%s UTC in %s is slot %i', (iso, zone, slot) => {
    expect(hourOfWeek(utc(iso), zone)).toBe(slot);
    expect(hourOfWeek(new Date(utc(iso)), zone)).toBe(slot);
  });

  it('counts local wall-clock hours from 1970-01-01 00:00 (a Thursday)', () => {
    expect(localHourIndex(0, 'UTC')).toBe(0);
    expect(localHourIndex(0, 'Asia/Shanghai')).toBe(8);
    expect(localHourIndex(utc('2024-01-01T09:59:59'), 'UTC')).toBe(473_361);
    expect(hourOfWeekOfLocalHour(0)).toBe(72);
    expect(hourOfWeekOfLocalHour(473_361)).toBe(9);
    // Autumn DST change in New York: two real hours, one local hour 01:00.
    expect(localHourIndex(utc('2024-11-03T05:30:00'), 'America/New_York')).toBe(localHourIndex(utc('2024-11-03T06:30:00'), 'America/New_York'));
    expect(() => localHourIndex(0, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('hour-of-week counters', () => {
  const monday9 = localHourIndex(utc('2024-01-01T09:00:00'), 'UTC');

  it('closes hours without events as zeros, across a gap of days', () => {
    const c = new HourOfWeekCounters(2);
    c.record('u', 'reads', monday9, 5);
    c.record('u', 'reads', monday9 + 1, 2);
    c.record('u', 'reads', monday9 + 50);
    expect([monday9 - 1, monday9, monday9 + 1, monday9 + 2, monday9 + 49, monday9 + 50, monday9 + 51].map((h) => c.countAt('u', 'reads', h))).toEqual([
      undefined,
      5,
      2,
      0,
      0,
      1,
      0,
    ]);
    expect(c.history('u', 'reads', 9)).toEqual([5]);
    expect(c.history('u', 'reads', hourOfWeekOfLocalHour(monday9 + 10))).toEqual([0]);
    expect(c.history('u', 'exports', 9)).toEqual([0]);
    expect(c.history('nobody', 'reads', 9)).toEqual([]);
  });

  it('keeps only the last N weeks of each slot, the open hour not among them', () => {
    const c = new HourOfWeekCounters(2);
    for (let week = 0; week < 5; week++) c.record('u', 'reads', monday9 + 168 * week, week + 1);
    const open = monday9 + 168 * 4;
    expect(c.openHour('u')).toBe(open);
    expect(c.history('u', 'reads', 9)).toEqual([3, 4]);
    expect(c.history('u', 'reads', 9, open + 1)).toEqual([4, 5]);
    expect(c.countAt('u', 'reads', monday9 + 168 * 2)).toBe(3);
    expect(c.countAt('u', 'reads', monday9 + 168)).toBeUndefined();
    expect(c.record('u', 'reads', monday9 + 168)).toBe(false);
    expect(c.record('u', 'reads', monday9 + 168 * 3, 10)).toBe(true);
    expect(c.history('u', 'reads', 9)).toEqual([3, 14]);
  });

  it('fills a gap of ten million hours in one step and drops features with nothing left', () => {
    const c = new HourOfWeekCounters(2);
    c.record('u', 'exports', monday9, 3);
    c.record('u', 'reads', monday9, 3);
    const later = monday9 + 10_000_000;
    c.record('u', 'reads', later, 7);
    expect(c.featureNames('u')).toEqual(['reads']);
    expect(c.countAt('u', 'reads', later)).toBe(7);
    expect(c.countAt('u', 'reads', later - 1)).toBe(0);
    expect(c.history('u', 'exports', hourOfWeekOfLocalHour(later))).toEqual([0, 0]);
    c.advanceAll(later + 1);
    expect(c.history('u', 'reads', hourOfWeekOfLocalHour(later))).toEqual([0, 7]);
  });

  it('saturates stored hours at 65535 and refuses bad amounts', () => {
    const c = new HourOfWeekCounters(1);
    c.record('u', 'reads', 10, 70_000);
    c.advance('u', 11);
    expect(c.countAt('u', 'reads', 10)).toBe(65_535);
    expect(() => c.record('u', 'reads', 11, -1)).toThrow(RangeError);
    expect(() => c.record('u', 'reads', 11.5)).toThrow(RangeError);
    expect(() => new HourOfWeekCounters(0)).toThrow(RangeError);
  });

  it('round-trips through JSON, zeros written as runs', () => {
    const c = new HourOfWeekCounters(1);
    c.record('u', 'reads', monday9, 5);
    c.record('u', 'reads', monday9 + 1, 3);
    c.record('u', 'reads', monday9 + 2);
    c.record('v', 'exports', monday9 - 3, 2);
    const json = JSON.parse(JSON.stringify(c));
    expect(json).toEqual({
      version: 1,
      weeks: 1,
      entities: [
        { id: 'u', since: monday9, hour: monday9 + 2, features: [{ name: 'reads', current: 1, counts: [-105, 5, 3, -61] }] },
        { id: 'v', since: monday9 - 3, hour: monday9 - 3, features: [{ name: 'exports', current: 2, counts: [-168] }] },
      ],
    });
    const back = HourOfWeekCounters.fromJSON(json);
    expect(back.toJSON()).toEqual(json);
    expect(back.history('u', 'reads', 9, monday9 + 168)).toEqual([5]);
    back.record('u', 'reads', monday9 + 3);
    expect(back.countAt('u', 'reads', monday9 + 2)).toBe(1);
  });

  it.each([
    ['another version', { version: 2, weeks: 1, entities: [] }],
    ['no weeks', { version: 1, entities: [] }],
    ['counts of the wrong length', { version: 1, weeks: 1, entities: [{ id: 'u', since: 1, hour: 1, features: [{ name: 'r', current: 0, counts: [-167] }] }] }],
    ['a zero in the runs', { version: 1, weeks: 1, entities: [{ id: 'u', since: 1, hour: 1, features: [{ name: 'r', current: 0, counts: [0, -168] }] }] }],
    ['an open hour before the first', { version: 1, weeks: 1, entities: [{ id: 'u', since: 2, hour: 1, features: [] }] }],
    [
      'a repeated entity',
      {
        version: 1,
        weeks: 1,
        entities: [
          { id: 'u', since: 1, hour: 1, features: [] },
          { id: 'u', since: 1, hour: 1, features: [] },
        ],
      },
    ],
  ])('refuses %s', (_, json) => {
    expect(() => HourOfWeekCounters.fromJSON(json)).toThrow();
  });
});

describe('robust statistics', () => {
  it.each([
    [[], undefined],
    [[7], 7],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[-1, 10], 4.5],
    [[5, 5, 5, 5], 5],
  ])('median of %j is %s', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it.each([
    [[], undefined, undefined],
    [[1, 2, 3, 4, 100], 1, 20.2],
    [[1, 2, 3, 4], 1, 1],
    [[0, 0, 0, 0, 10], 0, 2],
  ])('MAD and mean absolute deviation of %j are %s and %s', (values, mad, meanAd) => {
    expect(medianAbsoluteDeviation(values)).toBe(mad);
    expect(meanAbsoluteDeviation(values)).toBe(meanAd);
  });

  it.each([
    [[1, 2, 3, 4, 100], {}, 1 / 0.6745],
    [[0, 0, 0, 0, 10], {}, 2 * 1.2533], // MAD 0: mean absolute deviation × 1.2533
    [[0, 0, 0, 0, 0], {}, 1], // nothing varies: the floor
    [[0, 0, 0, 0, 10], { minScale: 3 }, 3],
    [[], {}, undefined],
  ])('scale of %j with %j is %s', (values, options, expected) => {
    expect(robustScale(values, options)).toBe(expected);
  });

  it('scores 0.6745·(x − median)/MAD, and keeps a silent history finite', () => {
    const spread = robustBaseline([1, 2, 3, 4, 100]);
    expect(spread).toEqual({ median: 3, scale: MAD_TO_SIGMA, observations: 5 });
    expect(robustZ(10, spread!)).toBeCloseTo((0.6745 * 7) / 1, 12);
    const silent = robustBaseline([0, 0, 0, 0, 0, 0, 0, 0])!;
    expect([0, 1, 4, 50].map((x) => robustZ(x, silent))).toEqual([0, 1, 4, 50]);
    expect(robustZ(10, robustBaseline([0, 0, 0, 0, 10])!)).toBeCloseTo(10 / 2.5066, 12);
    expect(robustBaseline([])).toBeUndefined();
  });
});

describe('peer group', () => {
  const me: PeerProfile = { id: 'me', roles: ['sales_rep'], teamId: 'a' };
  const candidates: PeerProfile[] = [
    { id: 'me', roles: ['sales_rep'], teamId: 'a' },
    { id: 'zed', roles: ['sales_rep', 'sales_rep'], teamId: 'a' },
    { id: 'bob', roles: ['sales_rep'], teamId: 'b' },
    { id: 'amy', roles: ['sales_rep'], teamId: 'b' },
    { id: 'dan', roles: ['sales_rep', 'exporter'], teamId: 'a' },
    { id: 'eve', roles: ['finance'], teamId: 'a' },
    { id: 'fay', roles: ['finance'], teamId: 'b' },
    { id: 'gus', roles: [], teamId: null },
  ];

  it('ranks by shared roles (Jaccard) and team, ties by id, leaving out the user and strangers', () => {
    expect(rankPeers(me, candidates)).toEqual([
      { id: 'zed', score: 1, sharedRoles: 1, sameTeam: true },
      { id: 'amy', score: 0.75, sharedRoles: 1, sameTeam: false },
      { id: 'bob', score: 0.75, sharedRoles: 1, sameTeam: false },
      { id: 'dan', score: 0.625, sharedRoles: 1, sameTeam: true },
      { id: 'eve', score: 0.25, sharedRoles: 0, sameTeam: true },
    ]);
    expect(rankPeers(me, [...candidates].reverse(), { topK: 3 }).map((p) => p.id)).toEqual(['zed', 'amy', 'bob']);
    expect(rankPeers(me, candidates, { roleWeight: 0.25, teamWeight: 0.75 }).map((p) => p.id)).toEqual(['zed', 'dan', 'eve', 'amy', 'bob']);
  });

  it('does not match two users without a team', () => {
    expect(rankPeers({ id: 'x', roles: [], teamId: null }, candidates)).toEqual([]);
  });

  it('takes the median of the established peers’ medians, spread within and between peers combined', () => {
    const baseline = peerBaseline([[10, 10, 10], [20, 20, 20], [30, 30, 30], [1000]]);
    expect(baseline?.median).toBe(20);
    expect(baseline?.peers).toBe(3);
    expect(baseline?.scale).toBeCloseTo(Math.hypot(1, 10 * MAD_TO_SIGMA), 12);
    expect(peerBaseline([[5], [7]])).toBeUndefined();
    expect(peerBaseline([[5], [7]], { minObservations: 1 })?.median).toBe(6);
    expect(peerBaseline([])).toBeUndefined();
  });

  it.each([
    [[], 'peer'],
    [[5], 'peer'],
    [[5, 6], 'user'],
  ])('a user with history %j is judged by the %s baseline', (history, source) => {
    const chosen = chooseBaseline(history, peerBaseline([[20, 20, 20]]));
    expect(chosen.source).toBe(source);
    expect(chosen.baseline?.median).toBe(source === 'user' ? 5.5 : 20);
  });

  it('has no baseline for a new user without peers', () => {
    expect(chooseBaseline([5], undefined)).toEqual({ source: 'none', baseline: undefined });
  });
});

describe('scoring an hour', () => {
  const zone = 'Asia/Shanghai';
  const start = localHourIndex(utc('2023-12-31T16:00:00'), zone); // Monday 2024-01-01 00:00 in Beijing
  const features = ['reads', 'distinct_subjects', 'exports', 'reveals'];
  const profiles: PeerProfile[] = [
    { id: 'u', roles: ['producer'], teamId: 'news' },
    { id: 'p1', roles: ['producer'], teamId: 'news' },
    { id: 'p2', roles: ['producer'], teamId: 'sport' },
    { id: 'p3', roles: ['producer', 'editor'], teamId: 'news' },
    { id: 'n', roles: ['producer'], teamId: 'news' },
    { id: 'x', roles: ['finance'], teamId: 'finance' },
  ];
  const readsBase: Record<string, number> = { u: 20, p1: 18, p2: 25, p3: 22, n: 20, x: 3 };
  /** Office hours Monday to Friday 09–18 Beijing time: reads base ± 1, ten subjects, an export at 16:00. */
  const normalHour = (id: string, hourFromStart: number): Record<string, number> => {
    const day = Math.floor(hourFromStart / 24);
    const hour = hourFromStart % 24;
    const work = day % 7 < 5 && hour >= 9 && hour < 18;
    if (!work) return {};
    return { reads: (readsBase[id] as number) + ((day + hour) % 3) - 1, distinct_subjects: 10, ...(hour === 16 ? { exports: 1 } : {}) };
  };
  const record = (c: HourOfWeekCounters, id: string, i: number, counts: Record<string, number>) => {
    for (const [feature, amount] of Object.entries(counts)) c.record(id, feature, start + i, amount);
  };
  /** Three weeks for everyone, the new user `n` only the third; then everyone's normal Monday of week four. */
  const history = () => {
    const c = new HourOfWeekCounters();
    for (let i = 0; i < 3 * 168 + 24; i++) {
      for (const { id } of profiles) if (id !== 'n' || i >= 2 * 168) record(c, id, i, normalHour(id, i));
    }
    return c;
  };
  const peersOf = (id: string) => rankPeers(profiles.find((p) => p.id === id)!, profiles).map((p) => p.id);
  const burstHour = 3 * 168 + 11; // Monday 11:00 of week four

  it('ranks the peers the scoring uses', () => {
    expect(peersOf('u')).toEqual(['n', 'p1', 'p2', 'p3']);
    expect(peersOf('n')).toEqual(['p1', 'u', 'p2', 'p3']);
  });

  it('does not alert on a normal day, for an established or a new user', () => {
    const c = history();
    for (const id of ['u', 'n']) {
      for (let i = 3 * 168; i < 3 * 168 + 24; i++) {
        const score = scoreActivity(observeHour(c, id, peersOf(id), features, start + i));
        expect(score.anomalous, `${id} at hour ${i % 24}`).toBe(false);
        expect(score.priority).toBeLessThanOrEqual(4);
      }
    }
  });

  it('alerts on a tenfold burst, explaining it by the top feature with the medians', () => {
    const c = history();
    c.record('u', 'reads', start + burstHour, 200 - (normalHour('u', burstHour).reads as number));
    const score = scoreActivity(observeHour(c, 'u', peersOf('u'), features, start + burstHour));
    expect(score.anomalous).toBe(true);
    expect(score.priority).toBe(10);
    expect(score.explanation.map((f) => f.feature)).toEqual(['reads', 'distinct_subjects', 'exports']);
    const reads = score.explanation[0]!;
    // The user's Mondays at 11: 21, 19, 20; peers' medians 18 (p1), 25 (p2), 22 (p3); n has one week only.
    expect(reads).toMatchObject({ feature: 'reads', value: 200, userMedian: 20, peerMedian: 22, baseline: 'user' });
    expect(reads.zUser).toBeCloseTo(0.6745 * 180, 9);
    expect(reads.z).toBe(reads.zUser);
    expect(reads.zPeer).toBeCloseTo(178 / Math.hypot(MAD_TO_SIGMA, 3 * MAD_TO_SIGMA), 9);
    expect(scoreActivity(observeHour(c, 'u', peersOf('u'), features, start + burstHour), { threshold: 200 }).anomalous).toBe(false);
    expect(scoreActivity(observeHour(c, 'u', peersOf('u'), features, start + burstHour), { explain: 1 }).explanation).toHaveLength(1);
  });

  it('judges a new user by the peer baseline it inherits', () => {
    const c = history();
    c.record('n', 'reads', start + burstHour, 200 - (normalHour('n', burstHour).reads as number));
    const score = scoreActivity(observeHour(c, 'n', peersOf('n'), features, start + burstHour));
    const reads = score.explanation[0]!;
    // One Monday of its own (20); peers' medians 18, 20 (u), 25, 22 → 21, spread √(1.4826² + (2·1.4826)²).
    expect(reads).toMatchObject({ feature: 'reads', value: 200, userMedian: 20, peerMedian: 21, zUser: null, baseline: 'peer' });
    expect(reads.z).toBeCloseTo(179 / Math.hypot(MAD_TO_SIGMA, 2 * MAD_TO_SIGMA), 9);
    expect(score.anomalous).toBe(true);
  });

  it('scores nothing without any baseline', () => {
    const score = scoreActivity([{ feature: 'reads', value: 500, userHistory: [], peerHistories: [] }]);
    expect(score).toEqual({ anomalous: false, priority: 0, maxZ: null, explanation: [], features: [expect.objectContaining({ baseline: 'none', z: null })] });
  });
});

describe('priority', () => {
  it.each([
    [null, 0, 0],
    [-3, 0, 0],
    [0, 0, 0],
    [1.75, 0, 2],
    [3.49, 0, 4],
    [3.5, 0, 5],
    [4.9, 0, 6],
    [5, 0, 6],
    [10, 0, 9],
    [7, 0, 8],
    [14, 0, 10],
    [100, 0, 10],
    [3.5, 2, 7],
    [14, 3, 10],
    [0, 2, 2],
    [7, -10, 0],
  ])('z %s with boost %i is priority %i', (z, boost, expected) => {
    expect(priorityOf(z, 3.5, boost)).toBe(expected);
  });

  it('never falls as z rises and stays an integer in 0..10', () => {
    let previous = 0;
    for (let z = -2; z <= 60; z += 0.1) {
      const p = priorityOf(z);
      expect(Number.isInteger(p) && p >= previous && p <= 10).toBe(true);
      previous = p;
    }
    expect(previous).toBe(10);
  });
});
