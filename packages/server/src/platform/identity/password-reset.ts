import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import { anonymousActor, userForAudit } from '../authz/actor.js';
import { nowIso } from '../data/ids.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { Kernel } from '../kernel.js';
import type { Mailer } from '../notify/mailer.js';
import { assertAcceptableNewPassword, storeNewPassword } from './new-password-check.js';
import { hashPassword } from './password-hash.js';
import { hashSecret, revokeUserSessions } from './sessions.js';
import { userEmail, userEmailIndex } from './user-directory.js';

/**
 * Password reset by e-mail. The request always answers the same and does the same database work
 * (a row is written for unknown addresses too); the e-mail goes out after the response. Completing a
 * reset sets the password and ends every session, but signs nobody in: the second factor is still
 * asked at the next sign-in, so a reset never bypasses MFA.
 *
 * An account without a local password (single sign-on only) gets no reset link: a reset would give it
 * a password the identity provider knows nothing about. Its request answers exactly like an unknown
 * address (same response, same row written with no user, same audit write), and a reset link can
 * never complete for it.
 */
const TTL_MS = 30 * 60_000;
type Db = Kysely<Database> | Transaction<Database>;

export async function requestPasswordReset(kernel: Kernel, mailer: Mailer, log: FastifyBaseLogger, email: string, context: RequestContext): Promise<void> {
  let index: string | undefined;
  try {
    index = userEmailIndex(kernel.keyring, email);
  } catch {
    index = undefined;
  }
  const user = index
    ? await kernel.db.kysely.selectFrom('users').select(['id', 'status', 'password_hash']).where('email_bidx', '=', index).executeTakeFirst()
    : undefined;
  const refusal = !user ? 'unknown_account' : user.status !== 'active' ? 'disabled' : !user.password_hash ? 'no_local_password' : undefined;
  const eligible = user && !refusal ? user : undefined;
  const token = randomBytes(32).toString('base64url');
  const now = new Date();
  await kernel.transaction(async (tx) => {
    await tx.trx
      .insertInto('password_resets')
      .values({
        token_hash: hashSecret(token),
        user_id: eligible?.id ?? null,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + TTL_MS).toISOString(),
        used_at: null,
      })
      .execute();
    await tx.audit(eligible ? userForAudit(eligible.id) : anonymousActor, context, {
      action: 'auth.password.reset_requested',
      outcome: eligible ? 'success' : 'refused',
      resource: 'users',
      resourceId: user?.id,
      ...(refusal ? { detail: { reason: refusal } } : {}),
    });
  });
  if (!eligible) return;
  const link = `${kernel.config.publicUrl}/reset-password#token=${token}`;
  setImmediate(async () => {
    try {
      const address = await userEmail(kernel, eligible.id);
      if (!address) return;
      await mailer.send(
        address,
        'Castellan password reset / 重置密码',
        `A password reset was requested for your Castellan account. It is valid for 30 minutes:\n${link}\n\n有人为您的 Castellan 账户申请了重置密码，30 分钟内有效：\n${link}\n\nIf this was not you, ignore this message. / 如非本人操作，请忽略本邮件。\n`,
      );
    } catch (error) {
      log.error({ err: { type: (error as Error).name } }, 'password reset e-mail could not be sent');
    }
  });
}

const invalidLink = () => new AppError('unauthenticated', 401, 'the reset link is not valid or has expired; ask for a new one');

export async function completePasswordReset(kernel: Kernel, token: string, newPassword: string, context: RequestContext): Promise<void> {
  const refuse = async (reason: string, userId?: string): Promise<never> => {
    await kernel.transaction((tx) =>
      tx.audit(anonymousActor, context, {
        action: 'auth.password.reset_refused',
        outcome: 'refused',
        resource: 'users',
        resourceId: userId,
        detail: { reason },
      }),
    );
    throw invalidLink();
  };
  const row = await kernel.db.kysely.selectFrom('password_resets').selectAll().where('token_hash', '=', hashSecret(token)).executeTakeFirst();
  if (!row?.user_id || row.used_at || Date.parse(row.expires_at) <= Date.now()) return refuse('invalid_link');
  const userId = row.user_id;
  const hasLocalPassword = async (db: Db) => {
    let q = db.selectFrom('users').select('password_hash').where('id', '=', userId);
    if (kernel.db.dialect === 'postgres') q = q.forUpdate();
    return !!(await q.executeTakeFirst())?.password_hash;
  };
  if (!(await hasLocalPassword(kernel.db.kysely))) return refuse('no_local_password', userId);
  await assertAcceptableNewPassword(kernel, userId, newPassword);
  const hash = await hashPassword(newPassword);
  const stored = await kernel.transaction(async (tx) => {
    // Checked again under lock: an account made SSO-only meanwhile gets no local password.
    if (!(await hasLocalPassword(tx.trx))) return false;
    const used = await tx.trx
      .updateTable('password_resets')
      .set({ used_at: nowIso() })
      .where('token_hash', '=', row.token_hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) throw invalidLink();
    await storeNewPassword(tx.trx, userId, hash);
    const sessionsEnded = await revokeUserSessions(tx.trx, userId);
    await tx.audit(userForAudit(userId), context, {
      action: 'auth.password.reset',
      outcome: 'success',
      resource: 'users',
      resourceId: userId,
      detail: { sessionsEnded },
    });
    return true;
  });
  if (!stored) await refuse('no_local_password', userId);
}
