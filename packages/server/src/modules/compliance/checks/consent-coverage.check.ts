import { type ConsentChannel, type ConsentPurpose, consentChannels, consentPurposes } from '@castellan/shared';
import { type ConsentEntry, hasValidConsent } from '../../consents/consent-validity.policy.js';
import { type CheckOutcome, failing, passing } from '../compliance-check.js';
import type { ComplianceState } from '../compliance-state.js';

const isPurpose = (v: string): v is ConsentPurpose => (consentPurposes as readonly string[]).includes(v);
const isChannel = (v: string): v is ConsentChannel => (consentChannels as readonly string[]).includes(v);
const readable = (e: ComplianceState['consents'][number]) =>
  (e.status === 'granted' || e.status === 'withdrawn') && (e.givenBy === 'subject' || e.givenBy === 'guardian') && !Number.isNaN(Date.parse(e.at));

/**
 * Campaign audiences are gated by the consent ledger: every active campaign names a purpose and a
 * channel the ledger records, so that only people with a valid consent for both are reached, and
 * every ledger entry is one the consent rule can read (an unreadable entry — a withdrawal among
 * them — would silently not count). Evidence per campaign: how many people hold a valid consent.
 */
export function consentCoverage(state: Pick<ComplianceState, 'campaigns' | 'consents' | 'now'>): CheckOutcome {
  const active = state.campaigns.filter((c) => c.status === 'active');
  const ungated = active.filter((c) => !isPurpose(c.purpose) || !isChannel(c.channel)).map((c) => c.id);
  const unreadable = state.consents.filter((e) => !readable(e)).length;
  const byContact = new Map<string, ConsentEntry[]>();
  for (const e of state.consents.filter(readable)) byContact.set(e.contactId, [...(byContact.get(e.contactId) ?? []), e as unknown as ConsentEntry]);
  const consented = active
    .filter((c) => isPurpose(c.purpose) && isChannel(c.channel))
    .map((c) => {
      const q = { purpose: c.purpose as ConsentPurpose, channel: c.channel as ConsentChannel, now: state.now };
      const n = [...byContact.values()].filter((entries) => hasValidConsent(entries, q)).length;
      return `${c.id}:${n}`;
    });
  const evidence = {
    activeCampaigns: active.length,
    ledgerEntries: state.consents.length,
    unreadableLedgerEntries: unreadable,
    campaignsWithoutConsentGate: ungated.sort(),
    consentedAudiencePerCampaign: consented.sort(),
  };
  if (ungated.length > 0) return failing(`${ungated.length} active campaign(s) name a purpose or channel the consent ledger does not record`, evidence);
  if (unreadable > 0) return failing(`${unreadable} consent ledger entr(ies) cannot be read by the consent rule`, evidence);
  return passing(`every active campaign's audience is gated by a valid consent for its purpose and channel`, evidence);
}
