/** What the resolution of a GPC conflict must look like. */
export interface ConflictResolution {
  conflictId: string;
  contactId: string;
  /** The conflict's new status. */
  status: string;
  /** The ledger entry named as its outcome (undefined: none, or none that exists). */
  entry?: { contactId: string; conflictId: string | null; status: string };
}

/**
 * Why a GPC conflict's resolution is refused (422 message), or null. A conflict is closed once, by
 * a ledger entry about the same person that says it resolves this conflict: a withdrawal when the
 * opt-out is confirmed, a grant (the person's explicit reconfirmation) when the opt-in is kept.
 */
export function conflictResolutionRefusal(r: ConflictResolution): string | null {
  if (r.status !== 'opt_out_confirmed' && r.status !== 'opt_in_kept') return 'a conflict is resolved as opt_out_confirmed or opt_in_kept';
  if (!r.entry) return 'a resolution names the ledger entry that records it (resolutionConsentId)';
  if (r.entry.contactId !== r.contactId || r.entry.conflictId !== r.conflictId) return 'the resolution entry must be about this person and this conflict';
  const expected = r.status === 'opt_out_confirmed' ? 'withdrawn' : 'granted';
  if (r.entry.status !== expected) return `${r.status} is recorded by a ${expected} entry`;
  return null;
}
