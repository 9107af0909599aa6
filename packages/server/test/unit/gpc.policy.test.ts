import { describe, expect, it } from 'vitest';
import { carriesGpc, gpcVerdict, optedOutOfSaleShare, type SaleShareEntry } from '../../src/modules/consents/gpc.policy.js';
import { conflictResolutionRefusal } from '../../src/modules/consents/gpc-conflict.policy.js';
import { currentVersions } from '../../src/modules/consents/notice.policy.js';

const now = new Date('2026-06-01T12:00:00.000Z');
const e = (id: string, status: 'granted' | 'withdrawn', at: string, source = 'web_form'): SaleShareEntry => ({
  id,
  purpose: 'sale_share',
  channel: 'any',
  status,
  at,
  expiresAt: null,
  givenBy: 'subject',
  source,
});

describe('what a GPC signal does', () => {
  it.each([
    ['no entry: record, no conflict', [], { record: true, conflictsWith: null }],
    ['an explicit opt-in: record and surface it', [e('in', 'granted', '2026-01-01T00:00:00Z', 'paper')], { record: true, conflictsWith: 'in' }],
    ['opted out already: nothing new', [e('out', 'withdrawn', '2026-01-01T00:00:00Z')], { record: false, conflictsWith: null }],
    ['opted out by an earlier signal: nothing new', [e('g', 'withdrawn', '2026-01-01T00:00:00Z', 'gpc')], { record: false, conflictsWith: null }],
    [
      'an opt-in after an opt-out: record and surface it',
      [e('out', 'withdrawn', '2026-01-01T00:00:00Z'), e('in', 'granted', '2026-02-01T00:00:00Z', 'portal')],
      { record: true, conflictsWith: 'in' },
    ],
    [
      'an opt-in kept on reconfirmation: a new signal surfaces it again',
      [e('g', 'withdrawn', '2026-01-01T00:00:00Z', 'gpc'), e('re', 'granted', '2026-02-01T00:00:00Z', 'reconfirmation')],
      { record: true, conflictsWith: 're' },
    ],
    ['an opt-in dated in the future does not count yet', [e('in', 'granted', '2026-07-01T00:00:00Z', 'paper')], { record: true, conflictsWith: null }],
  ] as const)('%s', (_name, entries, verdict) => {
    expect(gpcVerdict(entries, now)).toEqual(verdict);
  });

  it.each([
    ['1', true],
    [' 1 ', true],
    ['0', false],
    ['true', false],
    [undefined, false],
    [['1', '0'], true],
  ] as const)('Sec-GPC %j carries the signal: %s', (header, carried) => {
    expect(carriesGpc(header as never)).toBe(carried);
  });

  it.each([
    ['no entry', [], false],
    ['an opt-out', [e('o', 'withdrawn', '2026-01-01T00:00:00Z', 'gpc')], true],
    ['an opt-out then an opt-in', [e('o', 'withdrawn', '2026-01-01T00:00:00Z', 'gpc'), e('i', 'granted', '2026-02-01T00:00:00Z', 'reconfirmation')], false],
    ['an opt-in then an opt-out', [e('i', 'granted', '2026-01-01T00:00:00Z'), e('o', 'withdrawn', '2026-02-01T00:00:00Z', 'gpc')], true],
  ] as const)('opted out of sale / share with %s: %s', (_name, entries, out) => {
    expect(optedOutOfSaleShare(entries, now)).toBe(out);
  });
});

describe('resolving a GPC conflict', () => {
  const base = { conflictId: 'k', contactId: 'p' };
  it.each([
    ['confirmed by a withdrawal', { ...base, status: 'opt_out_confirmed', entry: { contactId: 'p', conflictId: 'k', status: 'withdrawn' } }, null],
    ['kept by a grant', { ...base, status: 'opt_in_kept', entry: { contactId: 'p', conflictId: 'k', status: 'granted' } }, null],
    ['kept by a withdrawal', { ...base, status: 'opt_in_kept', entry: { contactId: 'p', conflictId: 'k', status: 'withdrawn' } }, 'granted entry'],
    ['confirmed by a grant', { ...base, status: 'opt_out_confirmed', entry: { contactId: 'p', conflictId: 'k', status: 'granted' } }, 'withdrawn entry'],
    ['without an entry', { ...base, status: 'opt_out_confirmed' }, 'resolutionConsentId'],
    [
      'by an entry about someone else',
      { ...base, status: 'opt_out_confirmed', entry: { contactId: 'q', conflictId: 'k', status: 'withdrawn' } },
      'this person',
    ],
    [
      'by an entry of another conflict',
      { ...base, status: 'opt_out_confirmed', entry: { contactId: 'p', conflictId: 'z', status: 'withdrawn' } },
      'this conflict',
    ],
    ['back to open', { ...base, status: 'open', entry: { contactId: 'p', conflictId: 'k', status: 'withdrawn' } }, 'resolved as'],
  ] as const)('%s', (_name, resolution, refusal) => {
    const got = conflictResolutionRefusal(resolution);
    if (refusal === null) expect(got).toBeNull();
    else expect(got).toContain(refusal);
  });
});

describe('the current privacy notices', () => {
  it('are the highest version of each purpose', () => {
    expect(
      currentVersions([
        { id: 'a1', purpose: 'marketing', version: 1 },
        { id: 'a3', purpose: 'marketing', version: 3 },
        { id: 'a2', purpose: 'marketing', version: 2 },
        { id: 'b1', purpose: 'sale_share', version: 1 },
      ]),
    ).toEqual(['a3', 'b1']);
    expect(currentVersions([])).toEqual([]);
  });
});
