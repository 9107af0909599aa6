import { randomBytes } from 'node:crypto';
import type { RequestContext } from '../audit/audit-event.js';
import { auditPseudonym } from '../audit/audit-personal-details.js';
import { anonymousActor as anonymous, userForAudit as asUserFor } from '../authz/actor.js';
import { nowIso } from '../data/ids.js';
import { AppError } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { accountRule, addressRule, claimAttempt, refundClaim, throttleDelay } from './login-throttle.js';
import { verifyPassword } from './password-hash.js';
import { passwordExpired } from './password-policy.js';
import { createSession, type NewSession } from './sessions.js';
import { mfaRequiredFor, rolesOf, userEmailIndex } from './user-directory.js';

/**
 * Password sign-in. Unknown e-mail, wrong password and disabled account give the same answer, after
 * the same argon2id work (a dummy hash stands in for a missing user), so none can be told apart.
 */
export type SignInResult =
  | { kind: 'session'; session: NewSession; userId: string; mfaEnrolmentRequired: boolean; passwordChangeRequired: boolean }
  | { kind: 'mfa'; challengeId: string; expiresAt: string };

const CHALLENGE_TTL_MS = 5 * 60_000;
/** The argon2id hash (same parameters as real ones) of a random password nobody knows: a missing user costs the same work. */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$+a+mObfbkyKSL8X4vdooQg$wpH4g97XLmiXpV/l2TxtRHixV7sq9qYMjbMZ/3PfMHg';

export const invalidCredentials = () => new AppError('unauthenticated', 401, 'invalid e-mail or password');
export const throttled = (ms: number) => new AppError('rate_limited', 429, `too many failed attempts; try again in ${Math.ceil(ms / 1000)} s`);

function accountKey(kernel: Kernel, email: string): string {
  try {
    return `acct:${userEmailIndex(kernel.keyring, email)}`;
  } catch {
    return `acct:${kernel.suite.mac(kernel.keyring.blindIndexKey, `invalid-email\0${email}`).toString('hex').slice(0, 16)}`;
  }
}

/**
 * The per-address throttle key: `ip:<pseudonym>`, the keyed pseudonym the audit trail gives the same
 * address (so a lockout and the address's events can be correlated), never the address itself.
 */
export const addressThrottleKey = (kernel: Kernel, ip: string | null): string => auditPseudonym(kernel.keyring, 'ip', ip ?? 'unknown');

/** A one-time password (first administrator) or an expired one (cn-mlps3, 90 days) must be changed first. */
export function mustChangePassword(kernel: Kernel, user: { must_change_password: number; password_changed_at: string | null }): boolean {
  if (user.must_change_password) return true;
  return user.password_changed_at !== null && passwordExpired(kernel.config.passwordProfile, new Date(user.password_changed_at));
}

export async function passwordSignIn(kernel: Kernel, email: string, password: string, context: RequestContext, now = new Date()): Promise<SignInResult> {
  const db = kernel.db.kysely;
  const keys = [accountKey(kernel, email), addressThrottleKey(kernel, context.ip)] as const;
  // The attempt is claimed on the address, then on the account, BEFORE the password is checked: each
  // claim counts it as a failure in the one statement that checks the key is not locked, so parallel
  // guesses cannot all slip in under the limit. A right password hands both claims back.
  const claimed = (await claimAttempt(db, keys[1], addressRule, now)) && (await claimAttempt(db, keys[0], accountRule, now));
  if (!claimed) {
    const wait = Math.max(await throttleDelay(db, keys[0], now), await throttleDelay(db, keys[1], now), 1000);
    await kernel.transaction((tx) => tx.audit(anonymous, context, { action: 'auth.login.throttled', outcome: 'refused', detail: { account: keys[0] } }));
    throw throttled(wait);
  }
  const index = keys[0].slice(5);
  const user = await db
    .selectFrom('users')
    .select(['id', 'team_id', 'status', 'password_hash', 'mfa_enrolled_at', 'must_change_password', 'password_changed_at'])
    .where('email_bidx', '=', index)
    .executeTakeFirst();
  const ok = await verifyPassword(user?.password_hash ?? DUMMY_HASH, password).catch(() => false);
  if (!user || !ok || user.status !== 'active' || !user.password_hash) {
    // The claims stay counted as failures.
    await kernel.transaction((tx) =>
      tx.audit(user ? asUserFor(user.id) : anonymous, context, {
        action: 'auth.login.failed',
        outcome: 'failure',
        resource: 'users',
        resourceId: user?.id,
        // The account's throttle key (the e-mail's blind index, known or not), as the throttled event records it: the monitor counts guesses per account by it.
        detail: { reason: !user ? 'unknown_account' : user.status !== 'active' ? 'disabled' : 'wrong_password', account: keys[0] },
      }),
    );
    throw invalidCredentials();
  }
  const roles = await rolesOf(kernel, user.id);
  return kernel.transaction(async (tx) => {
    await refundClaim(tx.trx, keys[0], accountRule);
    await refundClaim(tx.trx, keys[1], addressRule);
    const actor = asUserFor(user.id);
    if (user.mfa_enrolled_at) {
      const challengeId = randomBytes(24).toString('base64url');
      const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString();
      await tx.trx
        .insertInto('mfa_challenges')
        .values({ id: challengeId, user_id: user.id, created_at: now.toISOString(), expires_at: expiresAt, attempts: 0, consumed_at: null })
        .execute();
      await tx.audit(actor, context, { action: 'auth.login.password_ok', outcome: 'success', resource: 'users', resourceId: user.id, detail: { next: 'mfa' } });
      return { kind: 'mfa' as const, challengeId, expiresAt };
    }
    const mfaEnrolmentRequired = mfaRequiredFor(roles);
    const passwordChangeRequired = mustChangePassword(kernel, user);
    const restricted = mfaEnrolmentRequired || passwordChangeRequired;
    const session = await createSession(tx.trx, kernel.keyring, { id: user.id, roles }, restricted ? 'restricted' : 'full', context, null);
    await tx.trx.updateTable('users').set({ last_login_at: nowIso() }).where('id', '=', user.id).execute();
    await tx.audit(actor, context, {
      action: 'auth.login.succeeded',
      outcome: 'success',
      resource: 'sessions',
      resourceId: session.id,
      detail: { sessionKind: session.kind, mfa: false },
    });
    return { kind: 'session' as const, session, userId: user.id, mfaEnrolmentRequired, passwordChangeRequired };
  });
}
