import { describe, expect, it } from 'vitest';
import { coverageGaps, licenceConflicts, licenceRefusal, rightsChangeRefusal } from '../../../src/modules/licensing/licence-conflict.policy.js';
import type { RightsBlock } from '../../../src/modules/licensing/rights-block.js';

const block = (over: Partial<RightsBlock> & { id: string }): RightsBlock => ({
  contractNumber: over.id.toUpperCase(),
  territories: 'CN',
  media: 'svod',
  windowStart: '2026-01-01',
  windowEnd: '2026-12-31',
  exclusive: false,
  status: 'signed',
  visible: true,
  ...over,
});

/** The rights held in every case below: exclusive WORLD svod + free_tv in 2026, non-exclusive HK pay_tv. */
const held = [
  block({ id: 'ri-1', territories: 'WORLD', media: 'svod,free_tv', exclusive: true }),
  block({ id: 'ri-2', territories: 'HK', media: 'pay_tv', exclusive: false }),
];

describe('a licence against the licences already sold', () => {
  const existingExclusive = block({ id: 'lic-a', territories: 'CN', media: 'svod', windowStart: '2026-03-01', windowEnd: '2026-06-30', exclusive: true });
  const existingShared = block({ id: 'lic-b', territories: 'CN', media: 'svod', windowStart: '2026-03-01', windowEnd: '2026-06-30', exclusive: false });

  it.each([
    // name, existing, candidate, conflicts with
    ['windows touching: ends the day before', existingExclusive, { windowStart: '2026-07-01', windowEnd: '2026-09-30' }, []],
    ['windows touching: starts the day after', existingExclusive, { windowStart: '2026-01-01', windowEnd: '2026-02-28' }, []],
    ['same last day', existingExclusive, { windowStart: '2026-06-30', windowEnd: '2026-09-30' }, ['lic-a']],
    ['same first day', existingExclusive, { windowStart: '2026-01-01', windowEnd: '2026-03-01' }, ['lic-a']],
    ['inside', existingExclusive, { windowStart: '2026-04-01', windowEnd: '2026-04-01' }, ['lic-a']],
    ['another territory', existingExclusive, { territories: 'HK' }, []],
    ['the same territory', existingExclusive, { territories: 'CN' }, ['lic-a']],
    ['WORLD against CN', existingExclusive, { territories: 'WORLD' }, ['lic-a']],
    ['GREATER-CHINA against CN', existingExclusive, { territories: 'GREATER-CHINA' }, ['lic-a']],
    ['OVERSEAS against CN', existingExclusive, { territories: 'OVERSEAS' }, []],
    ['another medium', existingExclusive, { media: 'free_tv' }, []],
    ['one shared medium of several', existingExclusive, { media: 'free_tv,svod' }, ['lic-a']],
    ['non-exclusive beside non-exclusive', existingShared, { exclusive: false }, []],
    ['exclusive over a non-exclusive', existingShared, { exclusive: true }, ['lic-b']],
    ['exclusive beside a non-exclusive elsewhere', existingShared, { exclusive: true, territories: 'HK' }, []],
    ['a cancelled exclusive blocks nothing', { ...existingExclusive, status: 'cancelled' }, {}, []],
    ['itself (an update)', existingExclusive, { id: 'lic-a' }, []],
  ] as [string, RightsBlock, Partial<RightsBlock>, string[]][])('%s', (_name, existing, over, expected) => {
    const candidate = block({ id: 'new', windowStart: '2026-02-01', windowEnd: '2026-10-31', ...over });
    expect(licenceConflicts(candidate, [existing]).map((c) => c.licence.id)).toEqual(expected);
  });

  it('a cancelled candidate conflicts with nothing', () => {
    expect(licenceConflicts(block({ id: 'new', status: 'cancelled', exclusive: true }), [existingExclusive])).toEqual([]);
  });

  it('names the conflicting licence, and where it overlaps, in the refusal', () => {
    const message = licenceRefusal(block({ id: 'new', territories: 'WORLD', windowStart: '2026-06-01', windowEnd: '2026-08-31' }), held, [existingExclusive]);
    expect(message).toBe(
      'the licence conflicts (it overlaps an exclusive licence) with exclusive licence LIC-A (lic-a) in CN-mainland × svod from 2026-06-01 to 2026-06-30',
    );
  });

  it('names a licence the caller cannot see only as such', () => {
    const message = licenceRefusal(block({ id: 'new' }), held, [{ ...existingExclusive, visible: false }]);
    expect(message).toContain('an exclusive licence you cannot see in CN-mainland × svod from 2026-03-01 to 2026-06-30');
    expect(message).not.toContain('LIC-A');
    expect(message).not.toContain('lic-a');
    const exclusive = licenceRefusal(block({ id: 'new', exclusive: true }), held, [{ ...existingShared, visible: false }]);
    expect(exclusive).toContain('an exclusive licence may not overlap any licence) with a licence you cannot see');
  });
});

describe('a licence against the rights held', () => {
  it.each([
    // name, candidate, gaps as "territories|medium|from|to"
    ['inside the exclusive WORLD rights', { territories: 'CN,HK', media: 'svod' }, []],
    ['the whole year exactly', { territories: 'WORLD', media: 'free_tv', windowStart: '2026-01-01', windowEnd: '2026-12-31' }, []],
    ['one day past the rights', { windowEnd: '2027-01-01' }, ['CN-mainland|svod|2027-01-01|2027-01-01']],
    ['one day before the rights', { windowStart: '2025-12-31' }, ['CN-mainland|svod|2025-12-31|2025-12-31']],
    ['a medium not held', { media: 'svod,theatrical' }, ['CN-mainland|theatrical|2026-01-01|2026-12-31']],
    ['non-exclusive pay TV in HK', { territories: 'HK', media: 'pay_tv' }, []],
    ['pay TV outside HK', { territories: 'HK,MO', media: 'pay_tv' }, ['MO|pay_tv|2026-01-01|2026-12-31']],
    ['exclusive out of non-exclusive rights in', { territories: 'HK', media: 'pay_tv', exclusive: true }, ['HK|pay_tv|2026-01-01|2026-12-31']],
    ['exclusive out of exclusive rights in', { territories: 'HK', media: 'svod', exclusive: true }, []],
  ] as [string, Partial<RightsBlock>, string[]][])('%s', (_name, over, expected) => {
    const gaps = coverageGaps(block({ id: 'new', ...over }), held);
    expect(
      gaps.map(
        (g) =>
          `${g.territories.join(',')}|${g.medium}|${new Date(g.days.from * 864e5).toISOString().slice(0, 10)}|${new Date(g.days.to * 864e5).toISOString().slice(0, 10)}`,
      ),
    ).toEqual(expected);
  });

  it('two rights blocks back to back cover a window across both', () => {
    const split = [block({ id: 'r1', windowEnd: '2026-06-30' }), block({ id: 'r2', windowStart: '2026-07-01' })];
    expect(coverageGaps(block({ id: 'new', windowStart: '2026-06-01', windowEnd: '2026-07-31' }), split)).toEqual([]);
    const gap = [block({ id: 'r1', windowEnd: '2026-06-29' }), block({ id: 'r2', windowStart: '2026-07-01' })];
    expect(coverageGaps(block({ id: 'new', windowStart: '2026-06-01', windowEnd: '2026-07-31' }), gap)).toHaveLength(1);
  });

  it('says what is not covered', () => {
    expect(licenceRefusal(block({ id: 'new', territories: 'WORLD', media: 'pay_tv' }), held, [])).toBe(
      'the licence falls outside the rights held for the title: not covered: WORLD except HK × pay_tv from 2026-01-01 to 2026-12-31',
    );
    expect(licenceRefusal(block({ id: 'new', territories: 'HK', media: 'pay_tv', exclusive: true }), held, [])).toBe(
      'the licence falls outside the exclusive rights held for the title: not covered: HK × pay_tv from 2026-01-01 to 2026-12-31',
    );
    expect(licenceRefusal(block({ id: 'new' }), [], [])).toContain('not covered: CN-mainland × svod from 2026-01-01 to 2026-12-31');
    expect(licenceRefusal(block({ id: 'new' }), held, [])).toBeNull();
  });
});

describe('a change to the rights held', () => {
  const sold = [block({ id: 'lic-a', territories: 'HK', media: 'svod', windowStart: '2026-03-01', windowEnd: '2026-06-30' })];

  it.each([
    ['narrowed around the licence', [block({ id: 'ri-1', territories: 'GREATER-CHINA', windowStart: '2026-03-01', windowEnd: '2026-06-30' })], false],
    ['shortened into the licence', [block({ id: 'ri-1', territories: 'WORLD', windowEnd: '2026-05-31' })], true],
    ['without HK', [block({ id: 'ri-1', territories: 'CN,MO,TW' })], true],
    ['removed', [], true],
  ] as [string, RightsBlock[], boolean][])('%s: refused %s', (_name, after, refused) => {
    const message = rightsChangeRefusal(sold, after);
    expect(message !== null).toBe(refused);
    if (message) expect(message).toContain('licence LIC-A (lic-a)');
  });

  it('ignores cancelled licences', () => {
    expect(rightsChangeRefusal([{ ...(sold[0] as RightsBlock), status: 'cancelled' }], [])).toBeNull();
  });
});
