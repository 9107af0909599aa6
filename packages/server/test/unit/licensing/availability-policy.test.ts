import { describe, expect, it } from 'vitest';
import { availability } from '../../../src/modules/licensing/availability.policy.js';
import { dayOf } from '../../../src/modules/licensing/licensing-dates.js';
import type { RightsBlock } from '../../../src/modules/licensing/rights-block.js';
import { territorySet } from '../../../src/modules/licensing/territory.policy.js';

const block = (over: Partial<RightsBlock> & { id: string }): RightsBlock => ({
  contractNumber: over.id.toUpperCase(),
  territories: 'CN',
  media: 'svod',
  windowStart: '2026-01-01',
  windowEnd: '2026-12-31',
  exclusive: true,
  status: 'signed',
  visible: true,
  ...over,
});
const ask = (territories: string, media: string[], from = '2026-01-01', to = '2026-12-31') => ({
  territories: territorySet(territories),
  media,
  days: { from: dayOf(from), to: dayOf(to) },
});
/** Windows as "from..to:state[conflicts]" for compact tables. */
const windowsOf = (entries: ReturnType<typeof availability>) =>
  entries.map((e) => ({
    medium: e.medium,
    territories: e.except.length ? `${e.territories.join(',')}-${e.except.join(',')}` : e.territories.join(','),
    windows: e.windows.map(
      (w) =>
        `${w.from}..${w.to}:${w.exclusiveAvailable ? 'exclusive' : w.nonExclusiveAvailable ? 'shared' : 'none'}${w.conflicts.length ? `[${w.conflicts.map((c) => c.contractNumber ?? c.description).join(',')}]` : ''}`,
    ),
  }));

describe('availability (avails)', () => {
  const rights = [block({ id: 'ri-1', territories: 'GREATER-CHINA' })];

  it('all of the rights held while nothing is sold', () => {
    expect(windowsOf(availability(rights, [], ask('CN,HK', ['svod'])))).toEqual([
      { medium: 'svod', territories: 'CN-mainland,HK', windows: ['2026-01-01..2026-12-31:exclusive'] },
    ]);
  });

  it('leaves out what is not held (another medium, another territory, outside the window)', () => {
    expect(availability(rights, [], ask('US', ['svod']))).toEqual([]);
    expect(availability(rights, [], ask('CN', ['free_tv']))).toEqual([]);
    expect(availability(rights, [], ask('CN', ['svod'], '2027-01-01', '2027-06-30'))).toEqual([]);
    expect(windowsOf(availability(rights, [], ask('WORLD', ['svod'], '2026-12-01', '2027-01-31')))).toEqual([
      { medium: 'svod', territories: 'GREATER-CHINA', windows: ['2026-12-01..2026-12-31:exclusive'] },
    ]);
  });

  it('cuts the windows around an exclusive licence, touching days included', () => {
    const sold = [block({ id: 'lic-a', territories: 'CN', windowStart: '2026-03-01', windowEnd: '2026-06-30' })];
    expect(windowsOf(availability(rights, sold, ask('GREATER-CHINA', ['svod'])))).toEqual([
      {
        medium: 'svod',
        territories: 'CN-mainland',
        windows: ['2026-01-01..2026-02-28:exclusive', '2026-03-01..2026-06-30:none[LIC-A]', '2026-07-01..2026-12-31:exclusive'],
      },
      { medium: 'svod', territories: 'HK,MO,TW', windows: ['2026-01-01..2026-12-31:exclusive'] },
    ]);
  });

  it('a non-exclusive licence leaves non-exclusive sales open, exclusivity not', () => {
    const sold = [block({ id: 'lic-b', territories: 'WORLD', exclusive: false, windowStart: '2026-06-01', windowEnd: '2026-06-30' })];
    expect(windowsOf(availability(rights, sold, ask('HK', ['svod'])))).toEqual([
      {
        medium: 'svod',
        territories: 'HK',
        windows: ['2026-01-01..2026-05-31:exclusive', '2026-06-01..2026-06-30:shared[LIC-B]', '2026-07-01..2026-12-31:exclusive'],
      },
    ]);
  });

  it('non-exclusive rights held sell only non-exclusively', () => {
    const entries = availability([block({ id: 'ri-2', territories: 'SG', exclusive: false })], [], ask('SG', ['svod']));
    expect(entries[0]?.windows[0]).toMatchObject({
      nonExclusiveAvailable: true,
      exclusiveAvailable: false,
      restriction: 'rights_not_exclusive',
      conflicts: [],
    });
  });

  it('a cancelled licence blocks nothing', () => {
    const sold = [block({ id: 'lic-a', status: 'cancelled' })];
    expect(windowsOf(availability(rights, sold, ask('CN', ['svod'])))[0]?.windows).toEqual(['2026-01-01..2026-12-31:exclusive']);
  });

  it('names a licence the caller cannot see only as such, once per kind', () => {
    const sold = [
      block({ id: 'lic-x', visible: false, windowStart: '2026-03-01', windowEnd: '2026-03-31' }),
      block({ id: 'lic-y', visible: false, windowStart: '2026-03-15', windowEnd: '2026-04-30' }),
    ];
    const entries = availability(rights, sold, ask('CN', ['svod']));
    const blocked = entries[0]?.windows.filter((w) => !w.nonExclusiveAvailable) ?? [];
    expect(blocked.map((w) => `${w.from}..${w.to}`)).toEqual(['2026-03-01..2026-04-30']);
    expect(blocked[0]?.conflicts).toEqual([{ licenseId: null, contractNumber: null, exclusive: true, description: 'an exclusive licence you cannot see' }]);
    expect(JSON.stringify(entries)).not.toMatch(/lic-x|lic-y|LIC-X|LIC-Y/);
  });

  it('several media are answered each on its own', () => {
    const both = [block({ id: 'ri-3', territories: 'CN', media: 'svod,free_tv' })];
    const sold = [block({ id: 'lic-c', media: 'free_tv' })];
    expect(windowsOf(availability(both, sold, ask('CN', ['svod', 'free_tv'])))).toEqual([
      { medium: 'svod', territories: 'CN-mainland', windows: ['2026-01-01..2026-12-31:exclusive'] },
      { medium: 'free_tv', territories: 'CN-mainland', windows: ['2026-01-01..2026-12-31:none[LIC-C]'] },
    ]);
  });

  it('WORLD rights with one territory sold come back as WORLD except that territory', () => {
    const world = [block({ id: 'ri-4', territories: 'WORLD' })];
    const sold = [block({ id: 'lic-d', territories: 'CN' })];
    const entries = windowsOf(availability(world, sold, ask('WORLD', ['svod'])));
    expect(entries).toEqual([
      { medium: 'svod', territories: 'WORLD-CN-mainland', windows: ['2026-01-01..2026-12-31:exclusive'] },
      { medium: 'svod', territories: 'CN-mainland', windows: ['2026-01-01..2026-12-31:none[LIC-D]'] },
    ]);
  });
});
