import { describe, expect, it } from 'vitest';
import { audienceMembers } from '../../src/modules/campaigns/audience.policy.js';
import type { ConsentEntry } from '../../src/modules/consents/consent-validity.policy.js';

const now = new Date('2026-06-01T12:00:00.000Z');
const grant = (contactId: string, extra: Partial<ConsentEntry> = {}) => ({
  contactId,
  purpose: 'newsletter' as const,
  channel: 'email' as const,
  status: 'granted' as const,
  at: '2026-01-01T00:00:00Z',
  expiresAt: null,
  givenBy: 'subject' as const,
  ...extra,
});

describe('campaign audience members', () => {
  it('keeps exactly the candidates with a valid consent for the purpose and the channel, guardians for minors', () => {
    const candidates = [
      { id: 'c-granted' },
      { id: 'c-withdrawn' },
      { id: 'c-other-channel' },
      { id: 'c-other-purpose' },
      { id: 'c-expired' },
      { id: 'c-none' },
      { id: 'c-minor-own', isMinor: true },
      { id: 'c-minor-guardian', isMinor: true },
      { id: 'a-unknown-age', isMinor: null },
    ];
    const ledger = [
      grant('c-granted'),
      grant('c-withdrawn'),
      grant('c-withdrawn', { status: 'withdrawn', at: '2026-02-01T00:00:00Z' }),
      grant('c-other-channel', { channel: 'sms' }),
      grant('c-other-purpose', { purpose: 'marketing' }),
      grant('c-expired', { expiresAt: '2026-05-01T00:00:00Z' }),
      grant('c-minor-own'),
      grant('c-minor-guardian', { givenBy: 'guardian' }),
      grant('a-unknown-age'),
      grant('not-a-candidate'),
    ];
    expect(audienceMembers(candidates, ledger, { purpose: 'newsletter', channel: 'email', now })).toEqual(['a-unknown-age', 'c-granted', 'c-minor-guardian']);
  });

  it('leaves out whoever opted out of sale / sharing, whatever their campaign consent', () => {
    const candidates = [{ id: 'a-gpc' }, { id: 'b-reconfirmed' }, { id: 'c-plain' }, { id: 'd-opted-in' }];
    const share = (contactId: string, status: 'granted' | 'withdrawn', at: string) =>
      grant(contactId, { purpose: 'sale_share' as never, channel: 'any' as never, status: status as never, at });
    const ledger = [
      grant('a-gpc'),
      share('a-gpc', 'withdrawn', '2026-03-01T00:00:00Z'),
      grant('b-reconfirmed'),
      share('b-reconfirmed', 'withdrawn', '2026-03-01T00:00:00Z'),
      share('b-reconfirmed', 'granted', '2026-04-01T00:00:00Z'),
      grant('c-plain'),
      grant('d-opted-in'),
      share('d-opted-in', 'granted', '2026-03-01T00:00:00Z'),
    ];
    expect(audienceMembers(candidates, ledger, { purpose: 'newsletter', channel: 'email', now })).toEqual(['b-reconfirmed', 'c-plain', 'd-opted-in']);
  });
});
