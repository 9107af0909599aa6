import type { RequestContext } from '../../platform/audit/audit-event.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { PresentedRecord, ProtectedStore } from '../../platform/data/protected-store.js';

export interface ConflictOutcome {
  outcome: 'confirm_opt_out' | 'keep_opt_in';
  /** How the person answered (free text, sealed under their key): required to keep an opt-in. */
  evidence?: string;
}

/**
 * Resolves a GPC conflict in one transaction: the outcome is a new ledger entry (a withdrawal that
 * confirms the opt-out, or a grant — source reconfirmation — that records the person's explicit
 * answer keeping the opt-in), and the conflict is closed naming it. A conflict you may not see is
 * "not found"; a resolved one is refused (409) by its rules.
 */
export async function resolveGpcConflict(
  store: ProtectedStore,
  actor: Actor,
  context: RequestContext,
  conflictId: string,
  outcome: ConflictOutcome,
): Promise<PresentedRecord> {
  return store.inTransaction(async (unit) => {
    const conflict = await unit.get(actor, context, 'gpc_conflicts', conflictId);
    const keep = outcome.outcome === 'keep_opt_in';
    const entry = await unit.create(actor, context, 'consents', {
      contactId: String(conflict.contactId),
      purpose: 'sale_share',
      channel: 'any',
      status: keep ? 'granted' : 'withdrawn',
      source: keep ? 'reconfirmation' : 'gpc',
      lawfulBasis: 'consent',
      conflictId,
      ...(outcome.evidence ? { evidence: outcome.evidence } : {}),
    });
    return unit.update(actor, context, 'gpc_conflicts', conflictId, {
      status: keep ? 'opt_in_kept' : 'opt_out_confirmed',
      resolutionConsentId: String(entry.id),
    });
  });
}
