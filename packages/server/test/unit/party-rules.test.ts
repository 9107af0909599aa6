import { describe, expect, it } from 'vitest';
import { maxHierarchyDepth, parentRefusal } from '../../src/modules/accounts/account-hierarchy.policy.js';
import { agencyLinkRefusal, brandRefusal, kindChangeRefusal, overlappingLinkRefusal } from '../../src/modules/accounts/agency-link.policy.js';

describe('account hierarchy: no cycles', () => {
  it.each([
    ['a', null, [], null],
    ['a', 'b', ['b'], null],
    ['a', 'b', ['b', 'c', 'd'], null],
    ['a', 'a', ['a'], 'account a cannot be its own parent'],
    ['a', 'b', ['b', 'a'], 'parent b would make a cycle: account a is already its ancestor (2 level(s) up)'],
    ['a', 'b', ['b', 'c', 'd', 'a'], 'parent b would make a cycle: account a is already its ancestor (4 level(s) up)'],
  ] as const)('%s under %s with ancestors %j → %s', (id, parent, ancestors, refusal) => {
    expect(parentRefusal(id, parent, ancestors)).toBe(refusal);
  });

  it(`stops at ${maxHierarchyDepth} levels`, () => {
    const chain = Array.from({ length: maxHierarchyDepth }, (_, i) => `p${i}`);
    expect(parentRefusal('a', 'p0', chain.slice(0, maxHierarchyDepth - 1))).toBeNull();
    expect(parentRefusal('a', 'p0', chain)).toContain(`at most ${maxHierarchyDepth} levels`);
  });
});

describe('agency ↔ advertiser links and brands', () => {
  const ok = { agencyId: 'ag', advertiserId: 'ad', agencyKind: 'agency', advertiserKind: 'advertiser', validFrom: '2026-01-01', validTo: null };
  it.each([
    [ok, null],
    [{ ...ok, validTo: '2026-01-01' }, null],
    [
      { ...ok, validTo: '2025-12-31' },
      { status: 422, message: 'validTo 2025-12-31 is before validFrom 2026-01-01' },
    ],
    [
      { ...ok, advertiserId: 'ag' },
      { status: 422, message: 'an account cannot be its own agency' },
    ],
    [
      { ...ok, agencyKind: 'advertiser' },
      { status: 409, message: 'agencyId must name an account of kind agency (account ag is advertiser)' },
    ],
    [
      { ...ok, agencyKind: null },
      { status: 409, message: 'agencyId must name an account of kind agency (account ag is unknown)' },
    ],
    [
      { ...ok, advertiserKind: 'brand' },
      { status: 409, message: 'advertiserId must name an account of kind advertiser (account ad is brand)' },
    ],
  ])('%j → %j', (link, refusal) => {
    expect(agencyLinkRefusal(link)).toEqual(refusal);
  });

  it.each([
    ['advertiser', null],
    ['agency', 'a brand belongs to an account of kind advertiser (account x is agency)'],
    [null, 'a brand belongs to an account of kind advertiser (account x is unknown)'],
  ])('a brand under a %s → %s', (kind, refusal) => {
    expect(brandRefusal('x', kind)).toBe(refusal);
  });
});

describe('an account keeps the kind its links and brands rely on', () => {
  const none = { asAgency: 0, asAdvertiser: 0, brands: 0 };
  it.each([
    ['agency', 'agency', { ...none, asAgency: 3 }, null],
    ['agency', 'partner', none, null],
    ['agency', 'partner', { ...none, asAgency: 1 }, 'account a is the agency of 1 agency link(s): it stays of kind agency while they exist'],
    [
      'advertiser',
      'group',
      { ...none, brands: 2 },
      'account a is the advertiser of 0 agency link(s) and 2 brand(s): it stays of kind advertiser while they exist',
    ],
    [
      'advertiser',
      'group',
      { ...none, asAdvertiser: 1 },
      'account a is the advertiser of 1 agency link(s) and 0 brand(s): it stays of kind advertiser while they exist',
    ],
    ['advertiser', 'agency', none, null],
    ['partner', 'agency', { asAgency: 5, asAdvertiser: 5, brands: 5 }, null],
  ])('%s → %s with %j → %s', (from, to, uses, refusal) => {
    expect(kindChangeRefusal('a', from, to, uses)).toBe(refusal);
  });
});

describe('links of one agency and advertiser do not overlap', () => {
  const y2025 = { id: 'l1', validFrom: '2025-01-01', validTo: '2025-12-31' };
  const open2027 = { id: 'l2', validFrom: '2027-01-01', validTo: null };
  it.each([
    [{ id: 'n', validFrom: '2026-01-01', validTo: '2026-12-31' }, null],
    [{ id: 'n', validFrom: '2025-12-31', validTo: '2026-06-30' }, 'agency link l1 already links this agency and advertiser from 2025-01-01 to 2025-12-31'],
    [{ id: 'n', validFrom: '2024-01-01', validTo: '2025-01-01' }, 'agency link l1 already links this agency and advertiser from 2025-01-01 to 2025-12-31'],
    [{ id: 'n', validFrom: '2026-01-01', validTo: null }, 'agency link l2 already links this agency and advertiser from 2027-01-01 to open-ended'],
    [{ id: 'n', validFrom: '2030-01-01', validTo: '2030-02-01' }, 'agency link l2 already links this agency and advertiser from 2027-01-01 to open-ended'],
    [{ id: 'l1', validFrom: '2025-02-01', validTo: '2025-12-31' }, null],
  ])('%j → %s', (link, refusal) => {
    expect(overlappingLinkRefusal(link, [y2025, open2027])).toBe(refusal);
  });
});
