import { randomBytes } from 'node:crypto';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { anonymousActor, userForAudit } from '../authz/actor.js';
import { nowIso } from '../data/ids.js';
import { staffEmailForSystem } from '../data/staff-directory.js';
import { AppError } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import type { Mailer } from '../notify/mailer.js';
import { assertAcceptableNewPassword, storeNewPassword } from './new-password-check.js';
import { hashPassword } from './password-hash.js';
import { hashSecret, revokeUserSessions } from './sessions.js';

/**
 * One-time enrolment links: how an account an administrator must never hold a credential of gets its
 * first password. The link `${publicUrl}/enrol#token=…` is e-mailed to the person (or printed by the
 * operator's CLI); the token is stored as SHA-256, expires after 72 hours, is used once (a conditional
 * update), and a newer link replaces older ones. Redeeming sets the password, ends every session and
 * signs nobody in: the person signs in next and enrols a second factor as anyone does.
 */
export const ENROLMENT_TTL_MS = 72 * 3600_000;

export interface Invitation {
  userId: string;
  link: string;
  expiresAt: string;
}

export async function issueEnrolment(
  kernel: Kernel,
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  userId: string,
  delivery: 'email' | 'operator',
): Promise<Invitation> {
  const token = randomBytes(32).toString('base64url');
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ENROLMENT_TTL_MS).toISOString();
  const superseded = await tx.trx
    .updateTable('enrolments')
    .set({ revoked_at: now.toISOString() })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  await tx.trx
    .insertInto('enrolments')
    .values({
      token_hash: hashSecret(token),
      user_id: userId,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      created_by: actor.userId,
      delivery,
      used_at: null,
      revoked_at: null,
    })
    .execute();
  await tx.audit(actor, context, {
    action: 'auth.enrolment.issued',
    outcome: 'success',
    resource: 'users',
    resourceId: userId,
    detail: { delivery, expiresAt, superseded: Number(superseded.numUpdatedRows) },
  });
  return { userId, link: `${kernel.config.publicUrl}/enrol#token=${token}`, expiresAt };
}

/** Sends the link to the person's own address; false when it could not be sent (the link stays valid). */
export async function mailInvitation(kernel: Kernel, mailer: Mailer, invitation: Invitation): Promise<boolean> {
  if (!mailer.configured) return false;
  try {
    const address = await staffEmailForSystem(kernel, invitation.userId, 'sending an enrolment link');
    if (!address) return false;
    const until = invitation.expiresAt.replace('T', ' ').slice(0, 16);
    await mailer.send(
      address,
      'Your Castellan account / 您的 Castellan 账户',
      `A Castellan account was opened for you. Choose your password with this link (single use, valid until ${until} UTC):\n${invitation.link}\n\n已为您开通 Castellan 账户。请通过以下链接设置密码（仅可使用一次，有效期至 ${until} UTC）：\n${invitation.link}\n\nThen sign in and set up your second factor. / 随后登录并设置第二认证因素。\n`,
    );
    return true;
  } catch {
    return false;
  }
}

const invalidLink = () => new AppError('unauthenticated', 401, 'the enrolment link is not valid or has expired; ask your administrator for a new one');

/** Sets the first password with the token from the link; the link is then used up. */
export async function redeemEnrolment(kernel: Kernel, token: string, newPassword: string, context: RequestContext): Promise<void> {
  const row = await kernel.db.kysely
    .selectFrom('enrolments')
    .innerJoin('users', 'users.id', 'enrolments.user_id')
    .select(['enrolments.token_hash', 'enrolments.user_id', 'enrolments.expires_at', 'enrolments.used_at', 'enrolments.revoked_at', 'users.status'])
    .where('enrolments.token_hash', '=', hashSecret(token))
    .executeTakeFirst();
  if (!row || row.used_at || row.revoked_at || row.status !== 'active' || Date.parse(row.expires_at) <= Date.now()) {
    await kernel.transaction((tx) =>
      tx.audit(row ? userForAudit(row.user_id) : anonymousActor, context, {
        action: 'auth.enrolment.refused',
        outcome: 'refused',
        resource: 'users',
        resourceId: row?.user_id,
        detail: { reason: !row ? 'unknown' : row.used_at ? 'used' : row.revoked_at ? 'superseded' : row.status !== 'active' ? 'disabled' : 'expired' },
      }),
    );
    throw invalidLink();
  }
  const userId = row.user_id;
  await assertAcceptableNewPassword(kernel, userId, newPassword);
  const hash = await hashPassword(newPassword);
  await kernel.transaction(async (tx) => {
    const now = nowIso();
    const used = await tx.trx
      .updateTable('enrolments')
      .set({ used_at: now })
      .where('token_hash', '=', row.token_hash)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) throw invalidLink();
    await storeNewPassword(tx.trx, userId, hash);
    await tx.trx.updateTable('users').set({ admin_known_credential: 0 }).where('id', '=', userId).execute();
    const sessionsEnded = await revokeUserSessions(tx.trx, userId);
    await tx.audit(userForAudit(userId), context, {
      action: 'auth.enrolment.completed',
      outcome: 'success',
      resource: 'users',
      resourceId: userId,
      detail: { sessionsEnded },
    });
  });
}
