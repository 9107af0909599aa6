import type { AuditAction, RequestContext } from '../audit/audit-event.js';
import { type Actor, userForAudit } from '../authz/actor.js';
import { nowIso } from '../data/ids.js';
import { AppError, forbidden } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { matchRecoveryCode } from './recovery-codes.js';
import { claimSecondFactorAttempt, secondFactorSucceeded } from './second-factor-throttle.js';
import { createSession, markSecondFactor, type NewSession } from './sessions.js';
import { mustChangePassword } from './sign-in.js';
import { verifyTotp } from './totp.js';
import { rolesOf } from './user-directory.js';
import { openUserSecret } from './user-secrets.js';

/**
 * The MFA step of sign-in and step-up, with a TOTP code, a one-time recovery code or (passkeys.ts) a
 * passkey. Every check first claims an attempt on the user's second-factor counter
 * (second-factor-throttle.ts), and at sign-in also one of the challenge's five attempts, each by one
 * conditional UPDATE: parallel guesses are all counted before any code is looked at.
 * TOTP enrolment is in totp-enrolment.ts.
 */
const MAX_CHALLENGE_ATTEMPTS = 5;
export const STEP_UP_WINDOW_MS = 5 * 60_000;

const pepper = (kernel: Kernel): Buffer => kernel.suite.mac(kernel.keyring.blindIndexKey, 'castellan:recovery-code-pepper');
const invalidCode = () => new AppError('unauthenticated', 401, 'the code is not valid');
const invalidChallenge = () => new AppError('unauthenticated', 401, 'the sign-in challenge is not valid; sign in again');

export { pepper as recoveryCodePepper };

/** Proves a second factor for a user: TOTP or recovery code here, a passkey assertion in passkeys.ts. */
export type SecondFactorCheck = (userId: string) => Promise<{ ok: boolean; via?: string; reason?: string }>;
/** How a failed check is audited and answered (passkeys: 'auth.passkey.failed'). */
export interface CheckFailure {
  action?: AuditAction;
  error?: () => AppError;
}

export function sessionUser(actor: Actor): string {
  if (actor.kind !== 'user' || !actor.userId || !actor.session) throw forbidden('this needs a signed-in session');
  return actor.userId;
}

/** Checks a TOTP code (each usable once) or, failing that, consumes a recovery code. */
async function checkSecondFactor(kernel: Kernel, userId: string, code: string): Promise<{ ok: boolean; via?: 'totp' | 'recovery_code'; reason?: string }> {
  const db = kernel.db.kysely;
  const row = await db.selectFrom('users').select(['totp_secret_enc', 'totp_last_step']).where('id', '=', userId).executeTakeFirstOrThrow();
  if (row.totp_secret_enc) {
    const secret = await openUserSecret(kernel, db, userId, 'totp_secret', row.totp_secret_enc);
    const verdict = verifyTotp(secret, code, row.totp_last_step);
    if (verdict.ok) {
      // Compare-and-set on the last step: two concurrent uses of one code cannot both pass.
      const updated = await db
        .updateTable('users')
        .set({ totp_last_step: verdict.step })
        .where('id', '=', userId)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', verdict.step)]))
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 1) return { ok: true, via: 'totp' };
      return { ok: false, reason: 'replayed' };
    }
    if (verdict.reason === 'replayed') return { ok: false, reason: 'replayed' };
  }
  const stored = await db.selectFrom('recovery_codes').select('code_hash').where('user_id', '=', userId).where('used_at', 'is', null).execute();
  const index = matchRecoveryCode(
    pepper(kernel),
    code,
    stored.map((s) => s.code_hash),
  );
  const match = stored[index];
  if (!match) return { ok: false, reason: 'wrong' };
  const used = await db
    .updateTable('recovery_codes')
    .set({ used_at: nowIso() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', match.code_hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(used.numUpdatedRows) === 1 ? { ok: true, via: 'recovery_code' } : { ok: false, reason: 'replayed' };
}

/** Second step of sign-in: the challenge from the password step plus a code. */
export async function completeMfaChallenge(
  kernel: Kernel,
  challengeId: string,
  code: string,
  context: RequestContext,
): Promise<{ session: NewSession; userId: string; passwordChangeRequired: boolean }> {
  return completeMfaChallengeWith(kernel, challengeId, (userId) => checkSecondFactor(kernel, userId, code), context);
}

/** The pending sign-in challenge from the password step, or 401 (unknown, used, expired, too many failures). */
export async function liveMfaChallenge(kernel: Kernel, challengeId: string, now = new Date()) {
  const challenge = await kernel.db.kysely.selectFrom('mfa_challenges').selectAll().where('id', '=', challengeId).executeTakeFirst();
  if (!challenge || challenge.consumed_at || Date.parse(challenge.expires_at) <= now.getTime() || challenge.attempts >= MAX_CHALLENGE_ATTEMPTS) {
    throw invalidChallenge();
  }
  return challenge;
}

/** Takes one of the challenge's attempts (one conditional UPDATE), or 401 when none is left or it is no longer live. */
async function claimChallengeAttempt(kernel: Kernel, challengeId: string, now: Date): Promise<{ userId: string }> {
  const claimed = await kernel.db.kysely
    .updateTable('mfa_challenges')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', challengeId)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .where('attempts', '<', MAX_CHALLENGE_ATTEMPTS)
    .returning('user_id')
    .executeTakeFirst();
  if (!claimed) throw invalidChallenge();
  return { userId: claimed.user_id };
}

/** Second step of sign-in with any second factor: the attempt is claimed on the challenge and on the user's counter first. */
export async function completeMfaChallengeWith(
  kernel: Kernel,
  challengeId: string,
  check: SecondFactorCheck,
  context: RequestContext,
  failure: CheckFailure = {},
): Promise<{ session: NewSession; userId: string; passwordChangeRequired: boolean }> {
  const db = kernel.db.kysely;
  const now = new Date();
  const { userId } = await claimChallengeAttempt(kernel, challengeId, now);
  const actor = userForAudit(userId);
  await claimSecondFactorAttempt(kernel, actor, context, userId, 'sign_in', now);
  const result = await check(userId);
  if (!result.ok) {
    await kernel.transaction((tx) =>
      tx.audit(actor, context, {
        action: failure.action ?? 'auth.mfa.failed',
        outcome: 'failure',
        resource: 'users',
        resourceId: userId,
        detail: { step: 'sign_in', reason: result.reason },
      }),
    );
    throw (failure.error ?? invalidCode)();
  }
  const roles = await rolesOf(kernel, userId);
  const user = await db.selectFrom('users').select(['must_change_password', 'password_changed_at']).where('id', '=', userId).executeTakeFirstOrThrow();
  const kind = mustChangePassword(kernel, user) ? 'restricted' : 'full';
  return kernel.transaction(async (tx) => {
    const consumed = await tx.trx
      .updateTable('mfa_challenges')
      .set({ consumed_at: now.toISOString() })
      .where('id', '=', challengeId)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    if (Number(consumed.numUpdatedRows) !== 1) throw invalidChallenge();
    await secondFactorSucceeded(tx.trx, userId);
    const session = await createSession(tx.trx, kernel.keyring, { id: userId, roles }, kind, context, now.toISOString());
    await tx.trx.updateTable('users').set({ last_login_at: now.toISOString() }).where('id', '=', userId).execute();
    await tx.audit(actor, context, {
      action: 'auth.login.succeeded',
      outcome: 'success',
      resource: 'sessions',
      resourceId: session.id,
      detail: { sessionKind: kind, mfa: result.via },
    });
    return { session, userId, passwordChangeRequired: kind === 'restricted' };
  });
}

/** Fresh second factor for sensitive acts (reveal, export, erasure, role and key changes). */
export async function stepUp(kernel: Kernel, actor: Actor, code: string, context: RequestContext): Promise<{ validUntil: string }> {
  return stepUpWith(kernel, actor, (userId) => checkSecondFactor(kernel, userId, code), context);
}

/** Step-up with any second factor (a passkey assertion: passkeys.ts); the attempt is claimed on the user's counter first. */
export async function stepUpWith(
  kernel: Kernel,
  actor: Actor,
  check: SecondFactorCheck,
  context: RequestContext,
  failure: CheckFailure = {},
): Promise<{ validUntil: string }> {
  const userId = sessionUser(actor);
  await claimSecondFactorAttempt(kernel, actor, context, userId, 'step_up');
  const result = await check(userId);
  await kernel.transaction(async (tx) => {
    if (result.ok) {
      if (actor.session) await markSecondFactor(tx.trx, actor.session.id);
      await secondFactorSucceeded(tx.trx, userId);
    }
    await tx.audit(actor, context, {
      action: 'auth.step_up',
      outcome: result.ok ? 'success' : 'failure',
      resource: 'sessions',
      resourceId: actor.session?.id,
      detail: { via: result.via, reason: result.reason },
    });
  });
  if (!result.ok) throw (failure.error ?? invalidCode)();
  return { validUntil: new Date(Date.now() + STEP_UP_WINDOW_MS).toISOString() };
}

/** True when the actor proved a second factor within the step-up window. */
export function hasFreshSecondFactor(actor: Actor, now = Date.now()): boolean {
  const at = actor.session?.mfaAt;
  return !!at && now - Date.parse(at) < STEP_UP_WINDOW_MS;
}

/** Refuses (403 step_up_required) unless the actor proved a second factor within the step-up window; `what` names the action. */
export function requireFreshSecondFactor(actor: Actor, what: string): void {
  if (!hasFreshSecondFactor(actor)) {
    throw new AppError('step_up_required', 403, `${what} needs a fresh second factor: POST /api/v1/auth/step-up, then retry within 5 minutes`);
  }
}
