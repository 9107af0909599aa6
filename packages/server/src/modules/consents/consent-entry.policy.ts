import { type LawfulBasis, separateConsentPurposes } from '@castellan/shared';

/** How far ahead of the server's clock a consent's time may lie (clock skew of the form that took it). */
export const consentClockSkewMinutes = 5;

/** Purposes that are not about a channel: one entry covers them all (`channel: any`). */
const channelFreePurposes: readonly string[] = ['sale_share', ...separateConsentPurposes];

export interface ConsentWrite {
  status: 'granted' | 'withdrawn';
  at: string;
  expiresAt: string | null;
  purpose?: string;
  channel?: string;
  lawfulBasis?: LawfulBasis;
  givenBy?: 'subject' | 'guardian';
  /** The purpose of the notice version the entry names (undefined: it names none). */
  noticePurpose?: string;
  /** The person is under 14, as the store derives it from the sealed birth date (never the date itself). */
  subjectIsMinor?: boolean;
}

/**
 * Why a ledger entry is refused (422 message), or null. The ledger is append-only: changing an entry
 * is refused elsewhere (409); a new entry must be dated, not ahead of now, and only a grant may expire
 * (after it was given). A purpose that is not about a channel (sale / share, the PIPL separate
 * consents) is recorded with channel `any`, a campaign purpose with a real channel. A PIPL separate
 * consent (Arts. 23, 29, 39) is a consent — its basis is consent — given against the notice that told
 * the person about it; a notice named must be one for the entry's purpose. A grant for a child under
 * 14 must come from the guardian (PIPL Art. 31): the child's own is refused.
 */
export function consentEntryRefusal(entry: ConsentWrite, now: Date): string | null {
  const at = Date.parse(entry.at);
  if (at > now.getTime() + consentClockSkewMinutes * 60_000)
    return `a consent cannot be recorded ahead of time (at is after now + ${consentClockSkewMinutes} minutes)`;
  if (entry.expiresAt !== null) {
    if (entry.status !== 'granted') return 'only a granted consent can expire';
    if (Date.parse(entry.expiresAt) <= at) return 'expiresAt must be after at';
  }
  if (entry.purpose !== undefined && entry.channel !== undefined) {
    const channelFree = channelFreePurposes.includes(entry.purpose);
    if (channelFree && entry.channel !== 'any') return `${entry.purpose} is not about a channel: record it with channel "any"`;
    if (!channelFree && entry.channel === 'any') return `${entry.purpose} is given per channel: name the channel (sms, email, phone, wechat or post)`;
  }
  if (entry.noticePurpose !== undefined && entry.noticePurpose !== entry.purpose)
    return `noticeId names a notice for ${entry.noticePurpose}, not for ${entry.purpose}`;
  const separate = entry.purpose !== undefined && (separateConsentPurposes as readonly string[]).includes(entry.purpose);
  if (separate && entry.status === 'granted') {
    if (entry.lawfulBasis !== undefined && entry.lawfulBasis !== 'consent')
      return `${entry.purpose} is a PIPL separate consent (Arts. 23, 29, 39): its lawful basis is consent`;
    if (entry.noticePurpose === undefined) return `${entry.purpose} is a PIPL separate consent: name the notice version the person was shown (noticeId)`;
  }
  if (entry.subjectIsMinor && entry.status === 'granted' && entry.givenBy !== 'guardian')
    return 'the person is under 14 (PIPL Art. 31): only a guardian can give this consent (givenBy: guardian)';
  return null;
}
