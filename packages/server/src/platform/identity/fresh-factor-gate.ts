import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { AppError } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { hasFreshSecondFactor } from './second-factor.js';

/**
 * Adding, replacing or removing a second factor once the account has one needs a fresh second
 * factor (SPEC 2.3): a stolen session — or one left open at a desk — cannot plant its own factor.
 */
export const factorStepUpRequired = () =>
  new AppError(
    'step_up_required',
    403,
    'changing second factors needs a fresh second factor: POST /api/v1/auth/step-up (or /api/v1/auth/step-up/webauthn), then retry within 5 minutes',
  );

export async function requireFreshFactorIfEnrolled(
  kernel: Kernel,
  actor: Actor,
  userId: string,
  context: RequestContext,
  refusal: { action: 'auth.mfa.failed' | 'auth.passkey.failed'; step: string },
): Promise<{ enrolled: boolean }> {
  const user = await kernel.db.kysely.selectFrom('users').select(['mfa_enrolled_at']).where('id', '=', userId).executeTakeFirstOrThrow();
  if (user.mfa_enrolled_at && !hasFreshSecondFactor(actor)) {
    await kernel.transaction((tx) =>
      tx.audit(actor, context, {
        action: refusal.action,
        outcome: 'refused',
        resource: 'users',
        resourceId: userId,
        detail: { step: refusal.step, reason: 'step_up_required' },
      }),
    );
    throw factorStepUpRequired();
  }
  return { enrolled: user.mfa_enrolled_at !== null };
}
