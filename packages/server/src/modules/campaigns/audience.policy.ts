import type { ConsentChannel, ConsentPurpose } from '@castellan/shared';
import { type ConsentEntry, hasValidConsent } from '../consents/consent-validity.policy.js';

export interface AudienceCandidate {
  id: string;
  /** Under 14 (when the contacts catalogue knows it); unknown counts as an adult. */
  isMinor?: boolean | null;
}

/**
 * The members of a campaign's audience among the candidates (the contacts that match its filters and
 * that the caller may see): exactly those with a valid consent for the campaign's purpose AND channel
 * — for a minor, a guardian's — in id order.
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
    .filter((c) => hasValidConsent(byContact.get(c.id) ?? [], { ...q, minor: c.isMinor === true }))
    .map((c) => c.id)
    .sort();
}
