import { isPermission, type Permission } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { nowIso } from '../data/ids.js';
import type { AuditedTransaction } from '../kernel.js';

/**
 * Keeping a user's API tokens within what the user holds: a role change narrows each live token to
 * the scopes its user still holds (a token left with none is revoked), and disabling an account
 * revokes its tokens for good, so that re-enabling it does not bring them back. Each change is one
 * conditional update (only a live token with the scopes read) and is audited in the caller's transaction.
 */
export type TokenRevocation = 'user_disabled' | 'no_scope_left' | 'credentials_withdrawn' | 'revoked';

async function liveTokens(tx: AuditedTransaction, userId: string) {
  return tx.trx.selectFrom('api_tokens').select(['id', 'scopes']).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

async function revoke(tx: AuditedTransaction, id: string, reason: TokenRevocation, scopes?: string): Promise<boolean> {
  let q = tx.trx.updateTable('api_tokens').set({ revoked_at: nowIso(), revoked_reason: reason }).where('id', '=', id).where('revoked_at', 'is', null);
  if (scopes !== undefined) q = q.where('scopes', '=', scopes);
  return Number((await q.executeTakeFirst()).numUpdatedRows) === 1;
}

/** Narrows every live token of the user to `held`; returns how many were narrowed and revoked. */
export async function narrowUserTokens(
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  userId: string,
  held: ReadonlySet<Permission>,
): Promise<{ narrowed: number; revoked: number }> {
  let narrowed = 0;
  let revoked = 0;
  for (const token of await liveTokens(tx, userId)) {
    const before = (JSON.parse(token.scopes) as string[]).filter(isPermission);
    const after = before.filter((scope) => held.has(scope));
    if (after.length === before.length) continue;
    if (after.length === 0) {
      if (!(await revoke(tx, token.id, 'no_scope_left', token.scopes))) continue;
      revoked += 1;
      await tx.audit(actor, context, {
        action: 'auth.token.revoked',
        outcome: 'success',
        resource: 'api_tokens',
        resourceId: token.id,
        detail: { userId, reason: 'no_scope_left', before },
      });
      continue;
    }
    const done = await tx.trx
      .updateTable('api_tokens')
      .set({ scopes: JSON.stringify(after) })
      .where('id', '=', token.id)
      .where('revoked_at', 'is', null)
      .where('scopes', '=', token.scopes)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) continue;
    narrowed += 1;
    await tx.audit(actor, context, {
      action: 'auth.token.narrowed',
      outcome: 'success',
      resource: 'api_tokens',
      resourceId: token.id,
      detail: { userId, before, after },
    });
  }
  return { narrowed, revoked };
}

/** Revokes every live token of the user, for good; returns how many. */
export async function revokeUserTokens(
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  userId: string,
  reason: TokenRevocation,
): Promise<number> {
  let count = 0;
  for (const token of await liveTokens(tx, userId)) {
    if (!(await revoke(tx, token.id, reason))) continue;
    count += 1;
    await tx.audit(actor, context, {
      action: 'auth.token.revoked',
      outcome: 'success',
      resource: 'api_tokens',
      resourceId: token.id,
      detail: { userId, reason },
    });
  }
  return count;
}
