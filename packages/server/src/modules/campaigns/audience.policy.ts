import type { ConsentChannel, ConsentPurpose } from '@castellan/shared';
import { type ConsentEntry, hasValidConsent } from '../consents/consent-validity.policy.js';
import { optedOutOfSaleShare } from '../consents/gpc.policy.js';

export interface AudienceCandidate {
  id: string;
  /** Under 14 (when the contacts catalogue knows it); unknown counts as an adult. */
  isMinor?: boolean | null;
}

/**
 * The members of a campaign's audience among the candidates (the contacts that match its filters and
 * that the caller may see): exactly those with a valid consent for the campaign's purpose AND channel
 * — for a minor, a guardian's — and who have not opted out of sale / sharing (a withdrawal, e.g. a
 * Global Privacy Control signal, of `sale_share` takes a person out of every campaign), in id order.
 * `ledger` holds the entries for the campaign's purpose and channel and every sale / share entry.
 */
export function audienceMembers(
  candidates: readonly AudienceCandidate[],
  ledger: readonly (ConsentEntry & { contactId: string })[],
  q: { purpose: ConsentPurpose; channel: ConsentChannel; now: Date },
): string[] {
  const byContact = new Map<string, ConsentEntry[]>();
  for (const entry of ledger) {
    const list = byContact.get(entry.contactId);
    if (list) list.push(entry);
    else byContact.set(entry.contactId, [entry]);
  }
  return candidates
    .filter((c) => {
      const entries = byContact.get(c.id) ?? [];
      return hasValidConsent(entries, { ...q, minor: c.isMinor === true }) && !optedOutOfSaleShare(entries, q.now);
    })
    .map((c) => c.id)
    .sort();
}
