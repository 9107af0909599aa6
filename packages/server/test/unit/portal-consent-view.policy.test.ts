import { describe, expect, it } from 'vitest';
import type { ConsentEntry } from '../../src/modules/consents/consent-validity.policy.js';
import { channelsOf, decisionProblem, type PortalNotice, portalConsentRows } from '../../src/modules/consents/portal-consent-view.policy.js';

const now = new Date('2026-06-01T12:00:00.000Z');
const notice = (purpose: PortalNotice['purpose'], id = `n-${purpose}`): PortalNotice => ({
  id,
  purpose,
  version: 1,
  titleZh: '标题',
  titleEn: 'Title',
  textZh: '正文',
  textEn: 'Text',
});
const e = (purpose: string, channel: string, status: 'granted' | 'withdrawn', at: string, expiresAt: string | null = null): ConsentEntry =>
  ({ purpose, channel, status, at, expiresAt, givenBy: 'subject' }) as ConsentEntry;

describe('the lines the portal shows', () => {
  it('lists a campaign purpose per channel and a separate consent once, with its notice', () => {
    const rows = portalConsentRows([notice('newsletter'), notice('cross_border_transfer')], [], now);
    expect(rows.filter((r) => r.purpose === 'newsletter').map((r) => r.channel)).toEqual(['sms', 'email', 'phone', 'wechat', 'post']);
    expect(rows.filter((r) => r.purpose === 'cross_border_transfer')).toEqual([
      { purpose: 'cross_border_transfer', channel: 'any', state: 'none', since: null, noticeId: 'n-cross_border_transfer' },
    ]);
  });

  it.each([
    ['no entry', [], 'none'],
    ['a grant', [e('sensitive_pi', 'any', 'granted', '2026-01-01T00:00:00Z')], 'granted'],
    [
      'a later withdrawal',
      [e('sensitive_pi', 'any', 'granted', '2026-01-01T00:00:00Z'), e('sensitive_pi', 'any', 'withdrawn', '2026-02-01T00:00:00Z')],
      'withdrawn',
    ],
    [
      'a grant after a withdrawal',
      [e('sensitive_pi', 'any', 'withdrawn', '2026-01-01T00:00:00Z'), e('sensitive_pi', 'any', 'granted', '2026-02-01T00:00:00Z')],
      'granted',
    ],
    [
      'a tie: the withdrawal wins',
      [e('sensitive_pi', 'any', 'granted', '2026-01-01T00:00:00Z'), e('sensitive_pi', 'any', 'withdrawn', '2026-01-01T00:00:00Z')],
      'withdrawn',
    ],
    ['an expired grant', [e('sensitive_pi', 'any', 'granted', '2026-01-01T00:00:00Z', '2026-05-01T00:00:00Z')], 'none'],
    ['a grant in the future does not count yet', [e('sensitive_pi', 'any', 'granted', '2026-07-01T00:00:00Z')], 'none'],
  ] as const)('%s → %s', (_name, entries, state) => {
    const row = portalConsentRows([notice('sensitive_pi')], entries, now).find((r) => r.purpose === 'sensitive_pi');
    expect(row?.state).toBe(state);
  });

  it('shows a line the person has an entry for even without a notice (it can still be withdrawn)', () => {
    const rows = portalConsentRows([], [e('sale_share', 'any', 'withdrawn', '2026-01-01T00:00:00Z')], now);
    expect(rows).toEqual([{ purpose: 'sale_share', channel: 'any', state: 'withdrawn', since: '2026-01-01T00:00:00Z', noticeId: null }]);
  });
});

describe('what is wrong with a set of decisions', () => {
  const notices = [notice('marketing'), notice('sensitive_pi')];
  it.each([
    ['nothing', [], /nothing to record/],
    ['a grant under a notice', [{ purpose: 'sensitive_pi', channel: 'any', status: 'granted' }], null],
    ['a campaign grant per channel', [{ purpose: 'marketing', channel: 'wechat', status: 'granted' }], null],
    ['a grant with no notice', [{ purpose: 'third_party_provision', channel: 'any', status: 'granted' }], /no privacy notice/],
    ['a withdrawal with no notice', [{ purpose: 'third_party_provision', channel: 'any', status: 'withdrawn' }], null],
    ['a separate consent by a channel', [{ purpose: 'sensitive_pi', channel: 'sms', status: 'granted' }], /not decided by the channel/],
    ['a campaign purpose by any', [{ purpose: 'marketing', channel: 'any', status: 'withdrawn' }], /not decided by the channel/],
    [
      'one line twice',
      [
        { purpose: 'marketing', channel: 'sms', status: 'granted' },
        { purpose: 'marketing', channel: 'sms', status: 'withdrawn' },
      ],
      /decided twice/,
    ],
  ] as const)('%s', (_name, decisions, problem) => {
    const found = decisionProblem(decisions as never, notices);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });

  it('decides sale / share and the PIPL separate consents by no channel', () => {
    for (const p of ['sale_share', 'sensitive_pi', 'third_party_provision', 'cross_border_transfer'] as const) expect(channelsOf(p)).toEqual(['any']);
  });
});
