import { describe, expect, it } from 'vitest';
import { type ConsentWrite, consentEntryRefusal } from '../../src/modules/consents/consent-entry.policy.js';
import { type ConsentEntry, hasValidConsent } from '../../src/modules/consents/consent-validity.policy.js';

const now = new Date('2026-06-01T12:00:00.000Z');
const e = (status: ConsentEntry['status'], at: string, extra: Partial<ConsentEntry> = {}): ConsentEntry => ({
  purpose: 'marketing',
  channel: 'sms',
  status,
  at,
  expiresAt: null,
  givenBy: 'subject',
  ...extra,
});
const q = { purpose: 'marketing', channel: 'sms', now } as const;

describe('the valid-consent rule', () => {
  it.each([
    ['no entry at all', [], {}, false],
    ['one grant', [e('granted', '2026-01-01T00:00:00Z')], {}, true],
    ['withdrawn after granted', [e('granted', '2026-01-01T00:00:00Z'), e('withdrawn', '2026-02-01T00:00:00Z')], {}, false],
    ['withdrawn after granted, listed in another order', [e('withdrawn', '2026-02-01T00:00:00Z'), e('granted', '2026-01-01T00:00:00Z')], {}, false],
    [
      'granted again after a withdrawal',
      [e('granted', '2026-01-01T00:00:00Z'), e('withdrawn', '2026-02-01T00:00:00Z'), e('granted', '2026-03-01T00:00:00Z')],
      {},
      true,
    ],
    ['grant and withdrawal at the same time: the withdrawal wins', [e('granted', '2026-02-01T00:00:00Z'), e('withdrawn', '2026-02-01T00:00:00Z')], {}, false],
    ['same time, withdrawal listed first', [e('withdrawn', '2026-02-01T00:00:00Z'), e('granted', '2026-02-01T00:00:00Z')], {}, false],
    ['a grant for another channel only', [e('granted', '2026-01-01T00:00:00Z', { channel: 'email' })], {}, false],
    ['a grant for another purpose only', [e('granted', '2026-01-01T00:00:00Z', { purpose: 'research' })], {}, false],
    [
      'a withdrawal for another channel does not touch sms',
      [e('granted', '2026-01-01T00:00:00Z'), e('withdrawn', '2026-02-01T00:00:00Z', { channel: 'email' })],
      {},
      true,
    ],
    ['expired', [e('granted', '2026-01-01T00:00:00Z', { expiresAt: '2026-05-31T00:00:00Z' })], {}, false],
    ['expiring exactly now (edge: expired)', [e('granted', '2026-01-01T00:00:00Z', { expiresAt: now.toISOString() })], {}, false],
    ['expiring a second from now', [e('granted', '2026-01-01T00:00:00Z', { expiresAt: '2026-06-01T12:00:01Z' })], {}, true],
    [
      'an older grant does not revive after the latest one expired',
      [e('granted', '2026-01-01T00:00:00Z'), e('granted', '2026-03-01T00:00:00Z', { expiresAt: '2026-04-01T00:00:00Z' })],
      {},
      false,
    ],
    ['a grant dated in the future does not count yet', [e('granted', '2026-07-01T00:00:00Z')], {}, false],
    ['a future withdrawal does not end a grant yet', [e('granted', '2026-01-01T00:00:00Z'), e('withdrawn', '2026-07-01T00:00:00Z')], {}, true],
    ['a minor with their own consent only', [e('granted', '2026-01-01T00:00:00Z')], { minor: true }, false],
    ['a minor with a guardian consent', [e('granted', '2026-01-01T00:00:00Z', { givenBy: 'guardian' })], { minor: true }, true],
    [
      'a minor whose guardian withdrew',
      [e('granted', '2026-01-01T00:00:00Z', { givenBy: 'guardian' }), e('withdrawn', '2026-02-01T00:00:00Z', { givenBy: 'guardian' })],
      { minor: true },
      false,
    ],
  ] as const)('%s', (_name, entries, extra, valid) => {
    expect(hasValidConsent(entries as unknown as ConsentEntry[], { ...q, ...extra })).toBe(valid);
  });
});

const plain = { status: 'granted', at: now.toISOString(), expiresAt: null } as const;

describe('a new ledger entry', () => {
  it.each([
    ['dated now', { status: 'granted', at: now.toISOString(), expiresAt: null }, null],
    ['dated 5 minutes ahead (edge)', { status: 'granted', at: '2026-06-01T12:05:00.000Z', expiresAt: null }, null],
    ['dated 5 minutes and 1 s ahead', { status: 'granted', at: '2026-06-01T12:05:01.000Z', expiresAt: null }, 'ahead of time'],
    ['a withdrawal that expires', { status: 'withdrawn', at: now.toISOString(), expiresAt: '2027-01-01T00:00:00Z' }, 'only a granted consent'],
    ['a grant expiring before it was given', { status: 'granted', at: now.toISOString(), expiresAt: '2026-05-01T00:00:00Z' }, 'after at'],
    ['a grant with an expiry', { status: 'granted', at: now.toISOString(), expiresAt: '2027-01-01T00:00:00Z' }, null],
    ['sale / share for one channel', { ...plain, purpose: 'sale_share', channel: 'email' }, 'channel "any"'],
    ['sale / share for any channel', { ...plain, purpose: 'sale_share', channel: 'any' }, null],
    ['a newsletter for any channel', { ...plain, purpose: 'newsletter', channel: 'any' }, 'name the channel'],
    ['a newsletter by e-mail', { ...plain, purpose: 'newsletter', channel: 'email' }, null],
    ['a third-party grant without its notice', { ...plain, purpose: 'third_party_provision', channel: 'any' }, 'noticeId'],
    ['a cross-border grant without its notice', { ...plain, purpose: 'cross_border_transfer', channel: 'any' }, 'noticeId'],
    ['a sensitive-PI grant without its notice', { ...plain, purpose: 'sensitive_pi', channel: 'any' }, 'noticeId'],
    ['a third-party grant with its notice', { ...plain, purpose: 'third_party_provision', channel: 'any', noticePurpose: 'third_party_provision' }, null],
    [
      'a third-party grant on the basis of a contract',
      { ...plain, purpose: 'third_party_provision', channel: 'any', noticePurpose: 'third_party_provision', lawfulBasis: 'contract' },
      'lawful basis is consent',
    ],
    ['a third-party withdrawal without a notice', { ...plain, status: 'withdrawn', purpose: 'third_party_provision', channel: 'any' }, null],
    [
      'a notice for another purpose',
      { ...plain, purpose: 'cross_border_transfer', channel: 'any', noticePurpose: 'third_party_provision' },
      'not for cross_border_transfer',
    ],
    ['a newsletter on legitimate interests', { ...plain, purpose: 'newsletter', channel: 'email', lawfulBasis: 'legitimate_interests' }, null],
    ["a child's own grant", { ...plain, purpose: 'newsletter', channel: 'email', subjectIsMinor: true, givenBy: 'subject' }, 'under 14'],
    ["a child's grant with no giver named", { ...plain, purpose: 'newsletter', channel: 'email', subjectIsMinor: true }, 'under 14'],
    ["a guardian's grant for a child", { ...plain, purpose: 'newsletter', channel: 'email', subjectIsMinor: true, givenBy: 'guardian' }, null],
    ["a child's own withdrawal", { ...plain, status: 'withdrawn', purpose: 'newsletter', channel: 'email', subjectIsMinor: true }, null],
    ["an adult's own grant", { ...plain, purpose: 'newsletter', channel: 'email', subjectIsMinor: false, givenBy: 'subject' }, null],
  ] as const)('%s', (_name, entry, refusal) => {
    const got = consentEntryRefusal(entry as ConsentWrite, now);
    if (refusal === null) expect(got).toBeNull();
    else expect(got).toContain(refusal);
  });
});
