import type { RoleKey } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { currentRoleMatrix } from '../authz/role-matrix.js';
import { permissionsIn } from '../authz/separation-of-duties.js';
import { nowIso } from '../data/ids.js';
import type { AuditedTransaction } from '../kernel.js';
import { revokeUserSessions } from './sessions.js';
import { narrowUserTokens, revokeUserTokens } from './token-scopes.js';

/**
 * What follows every change of a user's roles, whoever makes it (an administrator, the end of the
 * first administrator's pair, an access review): the user's sessions end (a privilege change gives a
 * new session), their tokens narrow to what they still hold, and one `user.roles.changed` event says so.
 */
export async function afterRolesChanged(
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  userId: string,
  before: readonly RoleKey[],
  after: readonly RoleKey[],
  detail: Record<string, unknown> = {},
): Promise<void> {
  const sessionsEnded = await revokeUserSessions(tx.trx, userId);
  const tokens = await narrowUserTokens(tx, actor, context, userId, permissionsIn(after, currentRoleMatrix()));
  await tx.audit(actor, context, {
    action: 'user.roles.changed',
    outcome: 'success',
    resource: 'users',
    resourceId: userId,
    detail: { before, after, sessionsEnded, tokensNarrowed: tokens.narrowed, tokensRevoked: tokens.revoked, ...detail },
  });
}

/**
 * Disables an account however it happens (an administrator, the dormant-accounts job): every session
 * ends, every token is revoked for good, pending enrolment links stop working, audited as `user.disabled`.
 */
export async function disableAccount(
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  userId: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  const now = nowIso();
  await tx.trx.updateTable('users').set({ status: 'disabled', disabled_at: now, updated_at: now }).where('id', '=', userId).execute();
  const sessionsEnded = await revokeUserSessions(tx.trx, userId);
  const tokensRevoked = await revokeUserTokens(tx, actor, context, userId, 'user_disabled');
  const links = await tx.trx
    .updateTable('enrolments')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  await tx.audit(actor, context, {
    action: 'user.disabled',
    outcome: 'success',
    resource: 'users',
    resourceId: userId,
    detail: { ...detail, sessionsEnded, tokensRevoked, enrolmentLinksRevoked: Number(links.numUpdatedRows) },
  });
}
