import type { Kysely, Transaction } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { claimAttempt, refundClaim, secondFactorRule, throttleDelay } from './login-throttle.js';

/**
 * One failure counter per user for every second factor — TOTP codes, recovery codes and passkey
 * assertions, at sign-in and at step-up (SPEC 2.3). An attempt is CLAIMED (counted as a failure, by
 * one conditional statement) before the factor is checked, so parallel guesses cannot outrun it; a
 * right factor hands its claim back. A right password does not touch it. The security admin's unlock
 * lifts it and the lockouts list shows it (security-admin.ts).
 */
type Db = Kysely<Database> | Transaction<Database>;
export type SecondFactorStep = 'sign_in' | 'step_up';

export const secondFactorKey = (userId: string): string => `mfa:${userId}`;

export const secondFactorThrottled = (ms: number) =>
  new AppError(
    'rate_limited',
    429,
    `too many failed second-factor attempts; try again in ${Math.max(1, Math.ceil(ms / 1000))} s, or ask a security administrator to unlock the account`,
  );

/** Claims one attempt for the user, or refuses (audited) with 429 while their counter is locked. */
export async function claimSecondFactorAttempt(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  userId: string,
  step: SecondFactorStep,
  now = new Date(),
): Promise<void> {
  const key = secondFactorKey(userId);
  if (await claimAttempt(kernel.db.kysely, key, secondFactorRule, now)) return;
  const wait = await throttleDelay(kernel.db.kysely, key, now);
  await kernel.transaction((tx) =>
    tx.audit(actor, context, { action: 'auth.mfa.throttled', outcome: 'refused', resource: 'users', resourceId: userId, detail: { step } }),
  );
  throw secondFactorThrottled(wait);
}

/** The claimed attempt proved the factor: it is handed back and the back-off cleared. */
export async function secondFactorSucceeded(db: Db, userId: string): Promise<void> {
  await refundClaim(db, secondFactorKey(userId), secondFactorRule);
}
