import type { ConsentChannel, ConsentPurpose } from '@castellan/shared';

/** One entry of the consent ledger, as the rule sees it (plain fields only). */
export interface ConsentEntry {
  purpose: ConsentPurpose;
  channel: ConsentChannel;
  status: 'granted' | 'withdrawn';
  at: string;
  expiresAt: string | null;
  givenBy: 'subject' | 'guardian';
}

export interface ConsentQuestion {
  purpose: ConsentPurpose;
  channel: ConsentChannel;
  now: Date;
  /** The person is a minor: only a guardian's consent counts (PIPL Art. 31). */
  minor?: boolean;
}

/**
 * The entry that decides for one person, purpose and channel: the latest one in effect (`at` not in
 * the future). When a grant and a withdrawal carry the same time, the withdrawal wins.
 */
export function decidingConsent(entries: readonly ConsentEntry[], q: Omit<ConsentQuestion, 'minor'>): ConsentEntry | undefined {
  const now = q.now.getTime();
  let best: ConsentEntry | undefined;
  for (const entry of entries) {
    if (entry.purpose !== q.purpose || entry.channel !== q.channel) continue;
    const at = Date.parse(entry.at);
    if (Number.isNaN(at) || at > now) continue;
    if (!best) {
      best = entry;
      continue;
    }
    const bestAt = Date.parse(best.at);
    if (at > bestAt || (at === bestAt && entry.status === 'withdrawn')) best = entry;
  }
  return best;
}

/**
 * The valid-consent rule: a person may be reached for a purpose by a channel only when the latest
 * ledger entry for exactly that purpose and channel is a grant that has not expired — for a minor, a
 * grant given by the guardian. No entry, a withdrawal, another purpose or another channel: no.
 */
export function hasValidConsent(entries: readonly ConsentEntry[], q: ConsentQuestion): boolean {
  const deciding = decidingConsent(entries, q);
  if (deciding?.status !== 'granted') return false;
  if (deciding.expiresAt !== null && Date.parse(deciding.expiresAt) <= q.now.getTime()) return false;
  if (q.minor && deciding.givenBy !== 'guardian') return false;
  return true;
}
