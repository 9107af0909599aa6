import { type ConsentEntry, decidingConsent } from './consent-validity.policy.js';

/** A sale / share ledger entry as the GPC rule sees it. */
export interface SaleShareEntry extends ConsentEntry {
  id: string;
  source: string;
}

export interface GpcVerdict {
  /** Record an opt-out (source gpc): the person is not opted out already. */
  record: boolean;
  /** The earlier explicit opt-in the signal contradicts (to surface to the privacy officer), if any. */
  conflictsWith: string | null;
}

/**
 * What a `Sec-GPC: 1` signal does to a person's sale / share entries: it is an opt-out, recorded
 * once (no second entry while the person is opted out already). When the entry in effect is an
 * explicit opt-in — one the person gave, not a GPC signal — the signal still wins at once (CCPA
 * §7025: the signal is a valid opt-out) and the contradiction is surfaced for the privacy officer,
 * who records the outcome.
 */
export function gpcVerdict(entries: readonly SaleShareEntry[], now: Date): GpcVerdict {
  const deciding = decidingConsent(entries, { purpose: 'sale_share', channel: 'any', now }) as SaleShareEntry | undefined;
  if (deciding?.status === 'withdrawn') return { record: false, conflictsWith: null };
  const explicit = deciding?.status === 'granted' && deciding.source !== 'gpc';
  return { record: true, conflictsWith: explicit ? deciding.id : null };
}

/** Whether the person has opted out of sale / sharing (the latest sale / share entry in effect is a withdrawal). */
export function optedOutOfSaleShare(entries: readonly ConsentEntry[], now: Date): boolean {
  return decidingConsent(entries, { purpose: 'sale_share', channel: 'any', now })?.status === 'withdrawn';
}

/** Whether a request carries the Global Privacy Control signal (`Sec-GPC: 1`, the only valid value). */
export function carriesGpc(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.trim() === '1';
}
