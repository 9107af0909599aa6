/** How far ahead of the server's clock a consent's time may lie (clock skew of the form that took it). */
export const consentClockSkewMinutes = 5;

export interface ConsentWrite {
  status: 'granted' | 'withdrawn';
  at: string;
  expiresAt: string | null;
}

/**
 * Why a ledger entry is refused (422 message), or null. The ledger is append-only: changing an entry
 * is refused elsewhere (409); a new entry must be dated, not ahead of now, and only a grant may expire
 * (after it was given).
 */
export function consentEntryRefusal(entry: ConsentWrite, now: Date): string | null {
  const at = Date.parse(entry.at);
  if (at > now.getTime() + consentClockSkewMinutes * 60_000)
    return `a consent cannot be recorded ahead of time (at is after now + ${consentClockSkewMinutes} minutes)`;
  if (entry.expiresAt !== null) {
    if (entry.status !== 'granted') return 'only a granted consent can expire';
    if (Date.parse(entry.expiresAt) <= at) return 'expiresAt must be after at';
  }
  return null;
}
