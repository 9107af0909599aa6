import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { nowIso } from '../data/ids.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { type Invitation, issueEnrolment } from './enrolment-links.js';
import { revokeUserSessions } from './sessions.js';
import { revokeUserTokens } from './token-scopes.js';

/**
 * An account that starts to administer or to read personal data must not carry a credential an
 * administrator chose or saw (a one-time or administrator-chosen password, and whatever was set up by
 * whoever signed in with it — a changed password, a TOTP secret, passkeys, tokens). Such credentials
 * are withdrawn in the same transaction as the grant, and the person gets an enrolment link instead.
 */
export interface Handover {
  withdrawn: boolean;
  invitation?: Invitation;
}

export async function secureHandover(
  kernel: Kernel,
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  userId: string,
  delivery: 'email' | 'none',
): Promise<Handover> {
  const user = await tx.trx.selectFrom('users').select(['admin_known_credential']).where('id', '=', userId).executeTakeFirstOrThrow();
  if (!user.admin_known_credential) return { withdrawn: false };
  // Conditional: only the row still marked, so that two grants racing withdraw once.
  const done = await tx.trx
    .updateTable('users')
    .set({
      password_hash: null,
      password_changed_at: null,
      must_change_password: 0,
      admin_known_credential: 0,
      totp_secret_enc: null,
      totp_pending_enc: null,
      totp_last_step: null,
      mfa_enrolled_at: null,
      updated_at: nowIso(),
    })
    .where('id', '=', userId)
    .where('admin_known_credential', '=', 1)
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) return { withdrawn: false };
  await tx.trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await tx.trx.deleteFrom('webauthn_credentials').where('user_id', '=', userId).execute();
  const sessionsEnded = await revokeUserSessions(tx.trx, userId);
  const tokensRevoked = await revokeUserTokens(tx, actor, context, userId, 'credentials_withdrawn');
  await tx.audit(actor, context, {
    action: 'auth.credentials.withdrawn',
    outcome: 'success',
    resource: 'users',
    resourceId: userId,
    detail: { reason: 'administrator_known_password', sessionsEnded, tokensRevoked },
  });
  const invitation = delivery === 'email' ? await issueEnrolment(kernel, tx, actor, context, userId, 'email') : undefined;
  return { withdrawn: true, invitation };
}
