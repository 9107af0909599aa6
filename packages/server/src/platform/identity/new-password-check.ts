import type { Transaction } from 'kysely';
import { nowIso } from '../data/ids.js';
import { staffValuesForSystem } from '../data/staff-directory.js';
import type { Database } from '../db/schema.js';
import { unprocessable } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { checkPassword, type PasswordProblem, passwordHistoryLength } from './password-policy.js';

/**
 * A user's new password (a change or a reset) against the install's profile, their own e-mail and
 * name (as at creation) and their password history (cn-mlps3: the last 5); refuses with 422 listing
 * every problem code.
 */
export async function assertAcceptableNewPassword(kernel: Kernel, userId: string, password: string, extra: PasswordProblem[] = []): Promise<void> {
  const profile = kernel.config.passwordProfile;
  const history = await kernel.db.kysely
    .selectFrom('password_history')
    .select('hash')
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(Math.max(1, passwordHistoryLength[profile]))
    .execute();
  const problems = [
    ...(await checkPassword(profile, password, {
      ...(await staffValuesForSystem(kernel, userId, 'the new-password check', ['email', 'name'])),
      previousHashes: history.map((h) => h.hash),
    })),
    ...extra,
  ];
  if (problems.length > 0) {
    throw unprocessable(
      `the password is not acceptable: ${problems.map((p) => p.message).join(' ')}`,
      problems.map((p) => p.code),
    );
  }
}

/** Sets the new password hash, records it in the history and keeps only the last five there. */
export async function storeNewPassword(trx: Transaction<Database>, userId: string, hash: string): Promise<void> {
  const now = nowIso();
  await trx
    .updateTable('users')
    .set({ password_hash: hash, password_changed_at: now, must_change_password: 0, updated_at: now })
    .where('id', '=', userId)
    .execute();
  await trx.insertInto('password_history').values({ user_id: userId, hash, created_at: now }).execute();
  const oldest = await trx
    .selectFrom('password_history')
    .select('created_at')
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .offset(5)
    .limit(1)
    .executeTakeFirst();
  if (oldest) await trx.deleteFrom('password_history').where('user_id', '=', userId).where('created_at', '<=', oldest.created_at).execute();
}
