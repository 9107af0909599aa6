import type { RequestContext } from '../../platform/audit/audit-event.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import type { ConsentEntry } from './consent-validity.policy.js';
import { gpcVerdict, type SaleShareEntry } from './gpc.policy.js';

export interface GpcOutcome {
  /** The opt-out entry recorded (null: the person was opted out already). */
  signalConsentId: string | null;
  /** The conflict surfaced (null: none). */
  conflictId: string | null;
}

/**
 * Records a Global Privacy Control signal for one person, inside the caller's transaction (`unit`):
 * an opt-out of sale / sharing (source gpc) unless the person is opted out already, and — when it
 * contradicts an earlier explicit opt-in — a GPC conflict for the privacy officer. The person's
 * sale / share entries are read across record scopes (a grant recorded by another team still
 * conflicts); nothing personal is read, only the entries' plain fields, and nothing leaves but the
 * two ids. `ownership` names the owner for a system actor (the portal): the contact's.
 */
export async function recordGpcSignal(
  unit: ProtectedStore,
  actor: Actor,
  context: RequestContext,
  contactId: string,
  ownership: { ownerId?: string; teamId?: string | null } = {},
): Promise<GpcOutcome> {
  const rows = await unit.aggregateAcrossScopes(actor, 'consents', {
    groupBy: ['id', 'purpose', 'channel', 'status', 'at', 'expiresAt', 'givenBy', 'source'],
    filters: { contactId, purpose: 'sale_share' },
  });
  const entries = rows.map((r) => ({ ...(r as unknown as ConsentEntry), id: String(r.id), source: String(r.source) })) as SaleShareEntry[];
  const verdict = gpcVerdict(entries, new Date());
  if (!verdict.record) return { signalConsentId: null, conflictId: null };
  const signal = await unit.create(actor, context, 'consents', {
    contactId,
    purpose: 'sale_share',
    channel: 'any',
    status: 'withdrawn',
    source: 'gpc',
    lawfulBasis: 'consent',
    ...ownership,
  });
  if (!verdict.conflictsWith) return { signalConsentId: String(signal.id), conflictId: null };
  const conflict = await unit.create(actor, context, 'gpc_conflicts', {
    contactId,
    signalConsentId: String(signal.id),
    optInConsentId: verdict.conflictsWith,
    ...ownership,
  });
  return { signalConsentId: String(signal.id), conflictId: String(conflict.id) };
}
