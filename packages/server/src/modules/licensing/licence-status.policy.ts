import type { PlainRecord } from '../../platform/data/protected-store.js';

/**
 * A licence's life: draft → signed → cancelled (or draft → cancelled). A cancelled licence stays
 * cancelled (it no longer blocks anything, so bringing it back would skip the checks of a new one:
 * make a new licence). A signed licence's terms are fixed: what was signed is what was sold.
 */
const next: Record<string, readonly string[]> = {
  draft: ['draft', 'signed', 'cancelled'],
  signed: ['signed', 'cancelled'],
  cancelled: ['cancelled'],
};

/** The terms a signature fixes. */
export const signedTerms = [
  'titleId',
  'licenseeAccountId',
  'territories',
  'media',
  'windowStart',
  'windowEnd',
  'exclusive',
  'runs',
  'feeFen',
  'currency',
] as const;

/** Why an update of a licence is refused (409), or null. */
export function licenceTransitionRefusal(previous: PlainRecord, nextRecord: PlainRecord): string | null {
  const from = String(previous.status);
  const to = String(nextRecord.status);
  if (!(next[from] ?? []).includes(to)) return `a ${from} licence cannot become ${to}${from === 'cancelled' ? ': make a new licence' : ''}`;
  if (from === 'cancelled') {
    const changed = Object.keys(nextRecord).filter((k) => k !== 'updatedAt' && nextRecord[k] !== previous[k]);
    if (changed.length) return `a cancelled licence cannot be changed (${changed.join(', ')})`;
  }
  if (from === 'signed') {
    const changed = signedTerms.filter((k) => nextRecord[k] !== previous[k]);
    if (changed.length) return `the terms of a signed licence are fixed (${changed.join(', ')}): cancel it and make a new one`;
  }
  return null;
}

/** The day a licence becomes signed: set on the write that signs it, kept afterwards. */
export function signedOnOf(status: unknown, previous: PlainRecord | undefined, today: string): string | null {
  if (status === 'signed' && previous?.status !== 'signed') return today;
  return (previous?.signedOn as string | null | undefined) ?? null;
}
