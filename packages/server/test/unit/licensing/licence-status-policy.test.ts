import { describe, expect, it } from 'vitest';
import { licenceTransitionRefusal, signedOnOf } from '../../../src/modules/licensing/licence-status.policy.js';

const licence = {
  id: 'l1',
  status: 'draft',
  feeFen: 100,
  territories: 'CN',
  media: 'svod',
  windowStart: '2026-01-01',
  windowEnd: '2026-12-31',
  exclusive: false,
  signedOn: null,
};

describe('a licence status changes one way', () => {
  it.each([
    ['draft', 'draft', true],
    ['draft', 'signed', true],
    ['draft', 'cancelled', true],
    ['signed', 'cancelled', true],
    ['signed', 'signed', true],
    ['signed', 'draft', false],
    ['cancelled', 'draft', false],
    ['cancelled', 'signed', false],
    ['cancelled', 'cancelled', true],
  ])('%s → %s allowed: %s', (from, to, allowed) => {
    expect(licenceTransitionRefusal({ ...licence, status: from }, { ...licence, status: to }) === null).toBe(allowed);
  });

  it.each([
    ['draft', { feeFen: 200 }, null],
    ['draft', { territories: 'HK' }, null],
    ['signed', { feeFen: 200 }, 'the terms of a signed licence are fixed (feeFen)'],
    ['signed', { windowEnd: '2027-01-01', exclusive: true }, 'the terms of a signed licence are fixed (windowEnd, exclusive)'],
    ['signed', { status: 'cancelled', feeFen: 1 }, 'fixed (feeFen)'],
    ['cancelled', { feeFen: 1 }, 'a cancelled licence cannot be changed (feeFen)'],
  ] as const)('a %s licence changing %j', (status, change, expected) => {
    const refusal = licenceTransitionRefusal({ ...licence, status }, { ...licence, status, ...change });
    if (expected === null) expect(refusal).toBeNull();
    else expect(refusal).toContain(expected);
  });

  it('records the day of signature once', () => {
    expect(signedOnOf('draft', undefined, '2026-05-01')).toBeNull();
    expect(signedOnOf('signed', undefined, '2026-05-01')).toBe('2026-05-01');
    expect(signedOnOf('signed', { ...licence, status: 'draft' }, '2026-05-01')).toBe('2026-05-01');
    expect(signedOnOf('signed', { ...licence, status: 'signed', signedOn: '2026-01-02' }, '2026-05-01')).toBe('2026-01-02');
    expect(signedOnOf('cancelled', { ...licence, status: 'signed', signedOn: '2026-01-02' }, '2026-05-01')).toBe('2026-01-02');
  });
});
