import { canonicalTerritory, mediaListInput, territoryLeaves, territoryListInput, territoryRegions } from '@castellan/shared';
import { describe, expect, it } from 'vitest';
import { describeTerritorySet, territoriesContain, territoriesOverlap, territoryLabel, territorySet } from '../../../src/modules/licensing/territory.policy.js';

describe('territory containment', () => {
  it('knows every ISO 3166-1 alpha-2 code (CN split as CN-mainland) and no other', () => {
    expect(territoryLeaves).toHaveLength(249);
    expect(new Set(territoryLeaves).size).toBe(249);
    expect(territoryLeaves).toContain('CN-mainland');
    expect(territoryLeaves).not.toContain('CN');
    expect(canonicalTerritory('cn-MAINLAND')).toBe('CN-mainland');
    expect(canonicalTerritory('world')).toBe('WORLD');
    expect(canonicalTerritory('XX')).toBeUndefined();
  });

  it('every region is a set of known territories', () => {
    for (const [name, members] of Object.entries(territoryRegions)) {
      expect(members.length, name).toBeGreaterThan(0);
      for (const code of members) expect(territoryLeaves, `${name}: ${code}`).toContain(code);
    }
  });

  it.each([
    // outer, inner, contains
    ['WORLD', 'CN', true],
    ['WORLD', 'HK,MO,TW,US', true],
    ['CN', 'WORLD', false],
    ['CN', 'CN-mainland', true],
    ['CN-mainland', 'CN', true],
    ['CN', 'HK', false],
    ['GREATER-CHINA', 'CN,HK,MO,TW', true],
    ['CN,HK,MO,TW', 'GREATER-CHINA', true],
    ['GREATER-CHINA', 'SG', false],
    ['OVERSEAS', 'HK', true],
    ['OVERSEAS', 'CN', false],
    ['OVERSEAS,CN', 'WORLD', true],
    ['SEA', 'SG,MY,TH', true],
    ['EU', 'GB', false],
  ])('%s contains %s: %s', (outer, inner, expected) => {
    expect(territoriesContain(outer, inner)).toBe(expected);
  });

  it.each([
    ['WORLD', 'CN', true],
    ['WORLD', 'US', true],
    ['CN', 'HK', false],
    ['CN', 'CN-mainland', true],
    ['GREATER-CHINA', 'TW', true],
    ['OVERSEAS', 'CN-mainland', false],
    ['OVERSEAS', 'GREATER-CHINA', true],
    ['EU', 'SEA', false],
    ['FR,DE', 'EU', true],
    ['US', 'CA', false],
  ])('%s overlaps %s: %s', (a, b, expected) => {
    expect(territoriesOverlap(a, b)).toBe(expected);
    expect(territoriesOverlap(b, a)).toBe(expected);
  });

  it('an unknown code stands for nothing (the input refuses it before)', () => {
    expect(territorySet('XX').size).toBe(0);
  });

  it.each([
    ['WORLD', { include: ['WORLD'], except: [] }],
    ['OVERSEAS', { include: ['WORLD'], except: ['CN-mainland'] }],
    ['HK,MO', { include: ['HK', 'MO'], except: [] }],
    ['CN,HK,MO,TW,SG', { include: ['GREATER-CHINA', 'SG'], except: [] }],
    ['CN', { include: ['CN-mainland'], except: [] }],
  ])('describes %s briefly and exactly', (list, expected) => {
    const set = territorySet(list);
    const described = describeTerritorySet(set);
    expect(described).toEqual(expected);
    const back = territorySet(described.include);
    for (const code of territorySet(described.except)) back.delete(code);
    expect([...back].sort()).toEqual([...set].sort());
  });

  it('labels a large set with its exceptions', () => {
    const set = territorySet('WORLD');
    set.delete('HK');
    set.delete('CN-mainland');
    expect(territoryLabel(set)).toBe('WORLD except CN-mainland, HK');
  });
});

describe('territory and media inputs', () => {
  it.each([
    ['cn-mainland, hk ,HK', 'CN-mainland,HK'],
    ['world', 'WORLD'],
    ['Greater-China,TW', 'GREATER-CHINA,TW'],
  ])('normalises %s to %s', (given, stored) => {
    expect(territoryListInput.parse(given)).toBe(stored);
  });

  it.each(['', ' , ', 'XX', 'CN,Mars', 'EUROPE'])('refuses %j', (given) => {
    expect(territoryListInput.safeParse(given).success).toBe(false);
  });

  it('normalises and checks media', () => {
    expect(mediaListInput.parse('SVOD, free_tv,svod')).toBe('svod,free_tv');
    expect(mediaListInput.safeParse('cinema').success).toBe(false);
    expect(mediaListInput.safeParse('').success).toBe(false);
  });
});
