import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { nowIso } from '../data/ids.js';
import { AppError } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { replaceRecoveryCodes, sessionAfterNewFactor } from './factor-added.js';
import type { FactorNotices } from './factor-added-notice.js';
import { requireFreshFactorIfEnrolled } from './fresh-factor-gate.js';
import { newRecoveryCodes } from './recovery-codes.js';
import { sessionUser } from './second-factor.js';
import type { NewSession } from './sessions.js';
import { mustChangePassword } from './sign-in.js';
import { newTotpEnrolment, verifyTotp } from './totp.js';
import { rolesOf, userEmail } from './user-directory.js';
import { openUserSecret, sealUserSecret } from './user-secrets.js';

/**
 * TOTP enrolment: a pending secret, then its confirmation with a code. Once the account has a second
 * factor (TOTP or passkey), both steps need a fresh one. Confirming ends every other session of the
 * user, replaces this one (privilege change), issues ten recovery codes and tells the user by e-mail.
 */
const invalidCode = () => new AppError('unauthenticated', 401, 'the code is not valid');

export async function startTotpEnrolment(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
): Promise<{ secret: string; otpauthUri: string; qrSvg: string }> {
  const userId = sessionUser(actor);
  await requireFreshFactorIfEnrolled(kernel, actor, userId, context, { action: 'auth.mfa.failed', step: 'enrolment_start' });
  const email = (await userEmail(kernel, userId)) ?? userId;
  const enrolment = await newTotpEnrolment(email);
  // Sealed inside the transaction that writes it: the subject key stays locked until it lands.
  await kernel.transaction(async (tx) => {
    const sealed = await sealUserSecret(kernel, tx.trx, userId, 'totp_pending', enrolment.secret);
    await tx.trx.updateTable('users').set({ totp_pending_enc: sealed }).where('id', '=', userId).execute();
  });
  return enrolment;
}

/** Confirms the pending secret with a code; see the file comment for what follows. */
export async function confirmTotpEnrolment(
  kernel: Kernel,
  actor: Actor,
  code: string,
  context: RequestContext,
  notices: FactorNotices,
): Promise<{ session: NewSession; recoveryCodes: string[] }> {
  const userId = sessionUser(actor);
  await requireFreshFactorIfEnrolled(kernel, actor, userId, context, { action: 'auth.mfa.failed', step: 'enrolment' });
  const row = await kernel.db.kysely.selectFrom('users').select(['totp_pending_enc']).where('id', '=', userId).executeTakeFirstOrThrow();
  if (!row.totp_pending_enc) throw new AppError('conflict', 409, 'start the enrolment first (POST /api/v1/me/mfa/totp)');
  const pending = row.totp_pending_enc;
  const secret = await openUserSecret(kernel, kernel.db.kysely, userId, 'totp_pending', pending);
  const verdict = verifyTotp(secret, code, null);
  if (!verdict.ok) {
    await kernel.transaction((tx) =>
      tx.audit(actor, context, {
        action: 'auth.mfa.failed',
        outcome: 'failure',
        resource: 'users',
        resourceId: userId,
        detail: { step: 'enrolment', reason: verdict.reason },
      }),
    );
    throw invalidCode();
  }
  const roles = await rolesOf(kernel, userId);
  const recoveryCodes = newRecoveryCodes();
  const user = await kernel.db.kysely
    .selectFrom('users')
    .select(['must_change_password', 'password_changed_at'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const kind = mustChangePassword(kernel, user) ? 'restricted' : 'full';
  const result = await kernel.transaction(async (tx) => {
    const sealed = await sealUserSecret(kernel, tx.trx, userId, 'totp_secret', secret);
    const now = nowIso();
    // The pending secret that was checked is taken once: a racing confirmation or a new start wins nothing here.
    const taken = await tx.trx
      .updateTable('users')
      .set({ totp_secret_enc: sealed, totp_pending_enc: null, totp_last_step: verdict.step, mfa_enrolled_at: now })
      .where('id', '=', userId)
      .where('totp_pending_enc', '=', pending)
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) throw new AppError('conflict', 409, 'start the enrolment first (POST /api/v1/me/mfa/totp)');
    await replaceRecoveryCodes(kernel, tx, userId, recoveryCodes);
    const { session, sessionsEnded } = await sessionAfterNewFactor(kernel, tx, actor, context, { id: userId, roles }, kind, now);
    await tx.audit(actor, context, {
      action: 'auth.mfa.enrolled',
      outcome: 'success',
      resource: 'users',
      resourceId: userId,
      detail: { factor: 'totp', newSession: session.id, sessionsEnded },
    });
    return { session, recoveryCodes };
  });
  notices.factorAdded(userId, 'totp');
  return result;
}
