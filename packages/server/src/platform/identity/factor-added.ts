import type { RoleKey } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { hashRecoveryCode } from './recovery-codes.js';
import { recoveryCodePepper } from './second-factor.js';
import { createSession, type NewSession, revokeSession, revokeUserSessions, type SessionKind } from './sessions.js';

/** Replaces the user's recovery codes by `codes` (stored as HMACs under the recovery-code pepper). */
export async function replaceRecoveryCodes(kernel: Kernel, tx: AuditedTransaction, userId: string, codes: readonly string[]): Promise<void> {
  await tx.trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (codes.length === 0) return;
  await tx.trx
    .insertInto('recovery_codes')
    .values(codes.map((c) => ({ user_id: userId, code_hash: hashRecoveryCode(recoveryCodePepper(kernel), c), used_at: null })))
    .execute();
}

/**
 * After a second factor was added (TOTP or passkey): every other session of the user ends and the
 * current one is replaced by a new token (a privilege change). Returns the new session and how many ended.
 */
export async function sessionAfterNewFactor(
  kernel: Kernel,
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  user: { id: string; roles: readonly RoleKey[] },
  kind: SessionKind,
  now: string,
): Promise<{ session: NewSession; sessionsEnded: number }> {
  const sessionsEnded = await revokeUserSessions(tx.trx, user.id, actor.session?.id);
  if (actor.session) await revokeSession(tx.trx, actor.session.id);
  const session = await createSession(tx.trx, kernel.keyring, user, kind, context, now);
  return { session, sessionsEnded };
}
