import { describe, expect, it } from 'vitest';
import type { PipiaTrigger } from '../../../src/platform/records/pipia-requirements.js';
import { pipiaState, type VersionFacts } from '../../../src/platform/records/pipia-state.js';
import { mayDelete, retainedUntil } from '../../../src/platform/records/records-retention.js';

const v = (version: number, status: 'draft' | 'approved', fingerprint = 'fp1', triggers: string[] = ['sensitive_pi']): VersionFacts => ({
  version,
  status,
  fingerprint,
  triggers,
});

/** [case, versions, live fingerprint, required triggers, expected state, outdated]. */
const cases: [string, VersionFacts[], string, PipiaTrigger[], string, boolean][] = [
  ['a draft only', [v(1, 'draft')], 'fp1', ['sensitive_pi'], 'draft', false],
  ['approved and current', [v(1, 'approved')], 'fp1', ['sensitive_pi'], 'current', false],
  ['approved, then the classification changed', [v(1, 'approved')], 'fp2', ['sensitive_pi'], 'outdated', true],
  ['approved, then a cross-border transfer was registered', [v(1, 'approved')], 'fp1', ['sensitive_pi', 'cross_border'], 'uncovered', false],
  ['a revision in draft after an approval: the approved one still counts', [v(2, 'draft', 'fp2'), v(1, 'approved')], 'fp1', ['sensitive_pi'], 'current', false],
  ['the revision approved for the new classification', [v(2, 'approved', 'fp2'), v(1, 'approved')], 'fp2', ['sensitive_pi'], 'current', false],
  ['an outdated draft', [v(1, 'draft', 'fp0')], 'fp1', ['sensitive_pi'], 'draft', true],
];

describe('PIPIA state, computed on read', () => {
  it.each(cases)('%s', (_name, versions, live, required, state, outdated) => {
    const s = pipiaState(versions, live, required);
    expect(s.state).toBe(state);
    expect(s.outdated).toBe(outdated);
    expect(s.current).toBe(state === 'current');
    expect(s.latestVersion).toBe(Math.max(...versions.map((x) => x.version)));
  });
});

describe('three-year retention (PIPL Art. 56)', () => {
  const table: [string, string, string][] = [
    ['2026-03-01T08:00:00.000Z', '2029-03-01T08:00:00.000Z', 'three calendar years'],
    ['2024-02-29T00:00:00.000Z', '2027-03-01T00:00:00.000Z', '29 February rolls forward, never back'],
    ['2025-12-31T23:59:59.000Z', '2028-12-31T23:59:59.000Z', 'year end'],
  ];
  it.each(table)('%s is kept until %s (%s)', (from, until) => {
    expect(retainedUntil(from).toISOString()).toBe(until);
    expect(mayDelete(from, new Date(Date.parse(until) - 1))).toBe(false);
    expect(mayDelete(from, new Date(until))).toBe(true);
  });
});
