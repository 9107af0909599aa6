import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { AppError } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { accountRule, claimAttempt, refundClaim, throttleDelay } from './login-throttle.js';
import { assertAcceptableNewPassword, storeNewPassword } from './new-password-check.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import { createSession, type NewSession, revokeUserSessions } from './sessions.js';
import { throttled } from './sign-in.js';
import { mfaRequiredFor, rolesOf } from './user-directory.js';

/**
 * A user changes their own password: the current one is verified (failures feed the sign-in
 * throttle), the new one meets the install's profile (and its history rule), every other session
 * ends, and this one is replaced by a new token.
 */
export async function changeOwnPassword(kernel: Kernel, actor: Actor, current: string, next: string, context: RequestContext): Promise<NewSession> {
  const userId = actor.userId;
  if (!userId || !actor.session) throw new AppError('forbidden', 403, 'this needs a signed-in session');
  const db = kernel.db.kysely;
  const key = `pwchange:${userId}`;
  // Claimed before the current password is checked (one conditional statement): parallel guesses from a
  // stolen session are each counted. The right password hands the claim back.
  const now = new Date();
  if (!(await claimAttempt(db, key, accountRule, now))) throw throttled(Math.max(await throttleDelay(db, key, now), 1000));
  const user = await db.selectFrom('users').select(['password_hash', 'mfa_enrolled_at', 'name_enc']).where('id', '=', userId).executeTakeFirstOrThrow();
  if (!user.password_hash || !(await verifyPassword(user.password_hash, current).catch(() => false))) {
    await kernel.transaction((tx) =>
      tx.audit(actor, context, { action: 'auth.password.change_failed', outcome: 'failure', resource: 'users', resourceId: userId }),
    );
    throw new AppError('unauthenticated', 401, 'the current password is wrong');
  }
  await refundClaim(db, key, accountRule);
  await assertAcceptableNewPassword(
    kernel,
    userId,
    next,
    next === current ? [{ code: 'reused', message: 'The new password must differ from the current one.' }] : [],
  );
  const roles = await rolesOf(kernel, userId);
  const hash = await hashPassword(next);
  return kernel.transaction(async (tx) => {
    await storeNewPassword(tx.trx, userId, hash);
    await revokeUserSessions(tx.trx, userId);
    const restricted = !user.mfa_enrolled_at && mfaRequiredFor(roles);
    const session = await createSession(
      tx.trx,
      kernel.keyring,
      { id: userId, roles },
      restricted ? 'restricted' : 'full',
      context,
      actor.session?.mfaAt ?? null,
    );
    await tx.audit(actor, context, {
      action: 'auth.password.changed',
      outcome: 'success',
      resource: 'users',
      resourceId: userId,
      detail: { newSession: session.id },
    });
    return session;
  });
}
