import type { RequestContext } from '../audit/audit-event.js';
import { inScope } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { conflict } from '../errors.js';
import type { AuditedTransaction } from '../kernel.js';
import { nowIso } from './ids.js';

/**
 * Before an account is deleted: what happens to the contacts linked to it, decided so that the
 * answer never depends on contacts the actor cannot see.
 *   - a linked contact inside the actor's contact scope blocks the deletion (409): the actor sees it
 *     and must move or delete it first;
 *   - linked contacts outside that scope are detached (accountId → null) in the same transaction,
 *     audited as `record.updated` naming them — the actor is told nothing about them, and the
 *     deletion answers exactly as it would if they did not exist.
 */
export async function releaseLinkedContacts(tx: AuditedTransaction, actor: Actor, context: RequestContext, accountId: string): Promise<void> {
  const linked = await tx.trx.selectFrom('contacts').select(['id', 'owner_id', 'team_id', 'subject_id']).where('account_id', '=', accountId).execute();
  if (linked.some((c) => inScope(actor, 'contacts', { ownerId: c.owner_id, teamId: c.team_id }))) {
    throw conflict('the account still has contacts: move or delete them first');
  }
  if (linked.length === 0) return;
  const ids = linked.map((c) => c.id);
  await tx.trx.updateTable('contacts').set({ account_id: null, updated_at: nowIso() }).where('id', 'in', ids).where('account_id', '=', accountId).execute();
  await tx.audit(actor, context, {
    action: 'record.updated',
    outcome: 'success',
    resource: 'contacts',
    subjectIds: linked.map((c) => c.subject_id),
    fields: ['accountId'],
    detail: { cause: 'account_deleted', accountId, count: ids.length, ids, diff: { accountId: null } },
  });
}
