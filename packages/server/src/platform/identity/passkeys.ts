import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { nowIso } from '../data/ids.js';
import { AppError, conflict, notFound } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { replaceRecoveryCodes, sessionAfterNewFactor } from './factor-added.js';
import type { FactorNotices } from './factor-added-notice.js';
import { requireFreshFactorIfEnrolled } from './fresh-factor-gate.js';
import { defaultPasskeyLabel, passkeyLabels, sealPasskeyName } from './passkey-names.js';
import { newRecoveryCodes } from './recovery-codes.js';
import { completeMfaChallengeWith, liveMfaChallenge, type SecondFactorCheck, sessionUser, stepUpWith } from './second-factor.js';
import type { NewSession } from './sessions.js';
import { mustChangePassword } from './sign-in.js';
import { rolesOf, userEmail } from './user-directory.js';

/**
 * WebAuthn passkeys and security keys as a second factor (SPEC 2.3), with @simplewebauthn/server:
 * registration from a signed-in (or enrolment) session, the second sign-in step, and step-up.
 *
 * Every ceremony starts with options that carry a fresh random challenge, stored server-side and
 * bound to what asked for it (the session, or the sign-in challenge of the password step). A
 * challenge is consumed by the first answer that names it, right or wrong: a tampered or replayed
 * response costs the caller the challenge. The signature counter only moves forward (compare-and-set).
 *
 * The relying party is CASTELLAN_PUBLIC_URL (or, without it, https://localhost): see relyingParty.
 * Registering a passkey ends every other session of the user and tells them by e-mail. The name the
 * user gives it is sealed under their subject key (passkey-names.ts).
 */
const RP_NAME = 'Castellan';
const CEREMONY_TTL_MS = 5 * 60_000;
const MAX_PASSKEYS = 20;

type Purpose = 'registration' | 'authentication' | 'step_up';

export interface RelyingParty {
  rpID: string;
  origin: string;
}

export interface PasskeyView {
  id: string;
  name: string;
  transports: string[];
  createdAt: string;
  lastUsedAt: string | null;
}

const invalidResponse = () => new AppError('unauthenticated', 401, 'the passkey response is not valid');

/** Host names the Host header may name when CASTELLAN_PUBLIC_URL is not set: only this machine. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * The relying party: CASTELLAN_PUBLIC_URL when the operator set it. Without it, the request's Host
 * header is used only when it names this machine (localhost, 127.0.0.1, ::1): any other Host header
 * is the client's word, not the server's address (behind a proxy, or a DNS-rebinding page), so it is
 * refused with a message naming the setting. WebAuthn needs a domain name, not an IP address.
 */
export function relyingParty(hostHeader: string | undefined, publicUrl?: string): RelyingParty {
  let url: URL;
  try {
    if (publicUrl) url = new URL(publicUrl);
    else if (!hostHeader || /[/?#@\s\\]/.test(hostHeader)) throw new Error('bad host');
    else url = new URL(`https://${hostHeader}`);
  } catch {
    throw new AppError('bad_request', 400, 'the Host header is missing or not valid');
  }
  const hostname = url.hostname.toLowerCase();
  if (!publicUrl && !LOOPBACK_NAMES.has(hostname)) {
    throw new AppError(
      'bad_request',
      400,
      'passkeys need CASTELLAN_PUBLIC_URL (the https:// address users reach Castellan at): without it only https://localhost is accepted',
    );
  }
  if (isIP(hostname.replace(/^\[|\]$/g, '')) !== 0) {
    throw new AppError('bad_request', 400, 'passkeys need the server to be reached by a domain name (such as localhost), not an IP address');
  }
  return { rpID: hostname, origin: url.origin };
}

const transportsOf = (value: string | null): string[] => {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
};

async function credentialsOf(kernel: Kernel, userId: string) {
  return kernel.db.kysely.selectFrom('webauthn_credentials').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
}

/** Stores a fresh challenge; earlier unanswered ones for the same session or sign-in challenge lapse. */
async function storeChallenge(
  kernel: Kernel,
  input: { userId: string; purpose: Purpose; challenge: string; rp: RelyingParty; sessionId?: string; mfaChallengeId?: string; expiresAt?: string },
): Promise<void> {
  const now = nowIso();
  const ttl = new Date(Date.now() + CEREMONY_TTL_MS).toISOString();
  const expiresAt = input.expiresAt && input.expiresAt < ttl ? input.expiresAt : ttl;
  await kernel.db.kysely.transaction().execute(async (trx) => {
    let lapse = trx.updateTable('webauthn_challenges').set({ consumed_at: now }).where('purpose', '=', input.purpose).where('consumed_at', 'is', null);
    lapse = input.mfaChallengeId ? lapse.where('mfa_challenge_id', '=', input.mfaChallengeId) : lapse.where('session_id', '=', input.sessionId ?? '');
    await lapse.execute();
    await trx.deleteFrom('webauthn_challenges').where('expires_at', '<', now).execute();
    await trx
      .insertInto('webauthn_challenges')
      .values({
        id: randomBytes(18).toString('base64url'),
        user_id: input.userId,
        purpose: input.purpose,
        challenge: input.challenge,
        mfa_challenge_id: input.mfaChallengeId ?? null,
        session_id: input.sessionId ?? null,
        rp_id: input.rp.rpID,
        origin: input.rp.origin,
        created_at: now,
        expires_at: expiresAt,
        consumed_at: null,
      })
      .execute();
  });
}

/** Consumes the pending challenge (at most one answer per challenge, even under concurrency). */
async function takeChallenge(kernel: Kernel, where: { userId: string; purpose: Purpose; sessionId?: string; mfaChallengeId?: string }) {
  const db = kernel.db.kysely;
  const now = nowIso();
  let q = db
    .selectFrom('webauthn_challenges')
    .selectAll()
    .where('user_id', '=', where.userId)
    .where('purpose', '=', where.purpose)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now);
  q = where.mfaChallengeId ? q.where('mfa_challenge_id', '=', where.mfaChallengeId) : q.where('session_id', '=', where.sessionId ?? '');
  const pending = await q.orderBy('created_at', 'desc').executeTakeFirst();
  if (!pending) return undefined;
  const taken = await db
    .updateTable('webauthn_challenges')
    .set({ consumed_at: now })
    .where('id', '=', pending.id)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1 ? pending : undefined;
}

/** A reason code and the error's NAME for the audit trail — never its message, which quotes the browser's input. */
const failureReason = (error: unknown): { reason: string; error: string } => {
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error && /^[A-Za-z0-9_.-]{1,60}$/.test(error.name) ? error.name : 'error';
  return { reason: /counter/i.test(message) ? 'counter_not_increased' : 'invalid_response', error: name };
};

async function auditFailure(kernel: Kernel, actor: Actor, context: RequestContext, userId: string, detail: Record<string, unknown>): Promise<void> {
  await kernel.transaction((tx) =>
    tx.audit(actor, context, { action: 'auth.passkey.failed', outcome: 'failure', resource: 'users', resourceId: userId, detail }),
  );
}

const freshFactorFor = (step: string) => ({ action: 'auth.passkey.failed' as const, step });

// ---- registration ------------------------------------------------------------------------------

/** Options for navigator.credentials.create() for the signed-in user (their passkeys excluded). */
export async function passkeyRegistrationOptions(
  kernel: Kernel,
  actor: Actor,
  rp: RelyingParty,
  context: RequestContext,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const userId = sessionUser(actor);
  await requireFreshFactorIfEnrolled(kernel, actor, userId, context, freshFactorFor('registration'));
  const existing = await credentialsOf(kernel, userId);
  if (existing.length >= MAX_PASSKEYS) throw conflict(`at most ${MAX_PASSKEYS} passkeys per account: remove one first`);
  const email = (await userEmail(kernel, userId)) ?? userId;
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: rp.rpID,
    userName: email,
    userDisplayName: email,
    // The user handle is the account id (random, not personal).
    userID: new TextEncoder().encode(userId),
    attestationType: 'none',
    timeout: CEREMONY_TTL_MS,
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: transportsOf(c.transports) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
  await storeChallenge(kernel, { userId, purpose: 'registration', challenge: options.challenge, rp, sessionId: actor.session?.id });
  return options;
}

/**
 * Verifies the browser's answer and stores the credential. The first second factor of an account sets
 * `mfa_enrolled_at` (sign-in then asks for it) and issues recovery codes; the session is replaced
 * (privilege change): restricted only while a password change is still due.
 */
export async function registerPasskey(
  kernel: Kernel,
  actor: Actor,
  response: Record<string, unknown>,
  name: string | undefined,
  context: RequestContext,
  notices: FactorNotices,
): Promise<{ session: NewSession; passkey: PasskeyView; recoveryCodes: string[] }> {
  const userId = sessionUser(actor);
  await requireFreshFactorIfEnrolled(kernel, actor, userId, context, freshFactorFor('registration'));
  const pending = await takeChallenge(kernel, { userId, purpose: 'registration', sessionId: actor.session?.id });
  if (!pending) {
    await auditFailure(kernel, actor, context, userId, { step: 'registration', reason: 'no_pending_challenge' });
    throw conflict('ask for registration options first (POST /api/v1/me/mfa/webauthn/options), then answer within 5 minutes');
  }
  let info: Awaited<ReturnType<typeof verifyRegistrationResponse>>['registrationInfo'];
  try {
    const verdict = await verifyRegistrationResponse({
      response: response as unknown as RegistrationResponseJSON,
      expectedChallenge: pending.challenge,
      expectedOrigin: pending.origin,
      expectedRPID: pending.rp_id,
      requireUserVerification: false,
    });
    if (!verdict.verified) throw new Error('not verified');
    info = verdict.registrationInfo;
  } catch (error) {
    await auditFailure(kernel, actor, context, userId, { step: 'registration', ...failureReason(error) });
    throw invalidResponse();
  }
  const credential = info.credential;
  const taken = await kernel.db.kysely.selectFrom('webauthn_credentials').select('id').where('id', '=', credential.id).executeTakeFirst();
  if (taken) {
    await auditFailure(kernel, actor, context, userId, { step: 'registration', reason: 'already_registered' });
    throw conflict('this passkey is already registered');
  }

  const roles = await rolesOf(kernel, userId);
  const user = await kernel.db.kysely
    .selectFrom('users')
    .select(['must_change_password', 'password_changed_at', 'mfa_enrolled_at'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const kind = mustChangePassword(kernel, user) ? 'restricted' : 'full';
  const firstFactor = user.mfa_enrolled_at === null;
  const recoveryCodes = firstFactor ? newRecoveryCodes() : [];
  const givenName = name?.trim() || undefined;
  const result = await kernel.transaction(async (tx) => {
    // Sealed first: it locks the subject key (subject row before record rows, as rotation does).
    const nameEnc = await sealPasskeyName(kernel, tx.trx, userId, credential.id, givenName);
    const now = nowIso();
    await tx.trx
      .insertInto('webauthn_credentials')
      .values({
        id: credential.id,
        user_id: userId,
        public_key: Buffer.from(credential.publicKey),
        counter: credential.counter,
        transports: JSON.stringify(credential.transports ?? []),
        name_enc: nameEnc,
        created_at: now,
        last_used_at: null,
      })
      .execute();
    if (firstFactor) {
      await tx.trx.updateTable('users').set({ mfa_enrolled_at: now }).where('id', '=', userId).execute();
      await replaceRecoveryCodes(kernel, tx, userId, recoveryCodes);
    }
    // A new factor ends every other session of the user; this one is replaced (privilege change).
    const { session, sessionsEnded } = await sessionAfterNewFactor(kernel, tx, actor, context, { id: userId, roles }, kind, now);
    const detail = {
      factor: 'passkey',
      credential: credential.id.slice(0, 16),
      aaguid: info.aaguid,
      userVerified: info.userVerified,
      newSession: session.id,
      sessionsEnded,
    };
    await tx.audit(actor, context, { action: 'auth.passkey.registered', outcome: 'success', resource: 'users', resourceId: userId, detail });
    if (firstFactor) await tx.audit(actor, context, { action: 'auth.mfa.enrolled', outcome: 'success', resource: 'users', resourceId: userId, detail });
    return {
      session,
      passkey: { id: credential.id, name: givenName ?? defaultPasskeyLabel(now), transports: credential.transports ?? [], createdAt: now, lastUsedAt: null },
      recoveryCodes,
    };
  });
  notices.factorAdded(userId, 'passkey');
  return result;
}

// ---- authentication (sign-in second step, step-up) ---------------------------------------------

async function authenticationOptions(kernel: Kernel, userId: string, rp: RelyingParty): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const credentials = await credentialsOf(kernel, userId);
  if (credentials.length === 0) throw conflict('no passkey is registered for this account: use a code from the authenticator app or a recovery code');
  return generateAuthenticationOptions({
    rpID: rp.rpID,
    allowCredentials: credentials.map((c) => ({ id: c.id, transports: transportsOf(c.transports) })),
    userVerification: 'preferred',
    timeout: CEREMONY_TTL_MS,
  });
}

/** Checks an assertion against the pending challenge and the user's stored credential; moves the counter on. */
function passkeyCheck(
  kernel: Kernel,
  response: Record<string, unknown>,
  where: { purpose: Purpose; sessionId?: string; mfaChallengeId?: string },
): SecondFactorCheck {
  return async (userId) => {
    const db = kernel.db.kysely;
    const pending = await takeChallenge(kernel, { userId, ...where });
    if (!pending) return { ok: false, via: 'passkey', reason: 'no_pending_challenge' };
    const credentialId = typeof response.id === 'string' ? response.id : '';
    const stored = credentialId
      ? await db.selectFrom('webauthn_credentials').selectAll().where('id', '=', credentialId).where('user_id', '=', userId).executeTakeFirst()
      : undefined;
    if (!stored) return { ok: false, via: 'passkey', reason: 'unknown_credential' };
    let newCounter: number;
    try {
      const verdict = await verifyAuthenticationResponse({
        response: response as unknown as AuthenticationResponseJSON,
        expectedChallenge: pending.challenge,
        expectedOrigin: pending.origin,
        expectedRPID: pending.rp_id,
        credential: {
          id: stored.id,
          publicKey: new Uint8Array(stored.public_key),
          counter: Number(stored.counter),
          transports: transportsOf(stored.transports),
        },
        requireUserVerification: false,
      });
      if (!verdict.verified) return { ok: false, via: 'passkey', reason: 'invalid_signature' };
      newCounter = verdict.authenticationInfo.newCounter;
    } catch (error) {
      return { ok: false, via: 'passkey', reason: failureReason(error).reason };
    }
    // Compare-and-set: two concurrent uses of one counter value cannot both pass.
    const moved = await db
      .updateTable('webauthn_credentials')
      .set({ counter: newCounter, last_used_at: nowIso() })
      .where('id', '=', stored.id)
      .where('counter', '=', Number(stored.counter))
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return { ok: false, via: 'passkey', reason: 'replayed' };
    return { ok: true, via: 'passkey' };
  };
}

/** Options for navigator.credentials.get() answering the sign-in challenge of the password step. */
export async function passkeySignInOptions(kernel: Kernel, challengeId: string, rp: RelyingParty): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const challenge = await liveMfaChallenge(kernel, challengeId);
  const options = await authenticationOptions(kernel, challenge.user_id, rp);
  await storeChallenge(kernel, {
    userId: challenge.user_id,
    purpose: 'authentication',
    challenge: options.challenge,
    rp,
    mfaChallengeId: challenge.id,
    expiresAt: challenge.expires_at,
  });
  return options;
}

/** Second sign-in step with a passkey: completes the challenge exactly as a TOTP code does. */
export async function completeMfaWithPasskey(
  kernel: Kernel,
  challengeId: string,
  response: Record<string, unknown>,
  context: RequestContext,
): Promise<{ session: NewSession; userId: string; passwordChangeRequired: boolean }> {
  return completeMfaChallengeWith(kernel, challengeId, passkeyCheck(kernel, response, { purpose: 'authentication', mfaChallengeId: challengeId }), context, {
    action: 'auth.passkey.failed',
    error: invalidResponse,
  });
}

/** Options for a passkey step-up of the current session. */
export async function passkeyStepUpOptions(kernel: Kernel, actor: Actor, rp: RelyingParty): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const userId = sessionUser(actor);
  const options = await authenticationOptions(kernel, userId, rp);
  await storeChallenge(kernel, { userId, purpose: 'step_up', challenge: options.challenge, rp, sessionId: actor.session?.id });
  return options;
}

/** Step-up with a passkey: a fresh second factor for this session for 5 minutes. */
export async function stepUpWithPasskey(
  kernel: Kernel,
  actor: Actor,
  response: Record<string, unknown>,
  context: RequestContext,
): Promise<{ validUntil: string }> {
  return stepUpWith(kernel, actor, passkeyCheck(kernel, response, { purpose: 'step_up', sessionId: actor.session?.id }), context, { error: invalidResponse });
}

// ---- the user's own passkeys -------------------------------------------------------------------

export async function ownPasskeys(kernel: Kernel, actor: Actor): Promise<PasskeyView[]> {
  const userId = sessionUser(actor);
  const credentials = await credentialsOf(kernel, userId);
  const labels = await passkeyLabels(kernel, userId, credentials);
  return credentials.map((c) => ({
    id: c.id,
    name: labels.get(c.id) ?? defaultPasskeyLabel(c.created_at),
    transports: transportsOf(c.transports),
    createdAt: c.created_at,
    lastUsedAt: c.last_used_at,
  }));
}

/** Removes one of the user's passkeys (fresh second factor needed); the last second factor cannot be removed. */
export async function removePasskey(kernel: Kernel, actor: Actor, credentialId: string, context: RequestContext): Promise<void> {
  const userId = sessionUser(actor);
  const db = kernel.db.kysely;
  const stored = await db.selectFrom('webauthn_credentials').select('id').where('id', '=', credentialId).where('user_id', '=', userId).executeTakeFirst();
  if (!stored) throw notFound('passkey');
  await requireFreshFactorIfEnrolled(kernel, actor, userId, context, freshFactorFor('removal'));
  const user = await db.selectFrom('users').select(['totp_secret_enc']).where('id', '=', userId).executeTakeFirstOrThrow();
  const others = await db.selectFrom('webauthn_credentials').select('id').where('user_id', '=', userId).where('id', '!=', credentialId).execute();
  if (!user.totp_secret_enc && others.length === 0) {
    await auditFailure(kernel, actor, context, userId, { step: 'removal', reason: 'last_factor' });
    throw conflict('this is your only second factor: enrol another one (TOTP or a second passkey) before removing it');
  }
  await kernel.transaction(async (tx) => {
    const removed = await tx.trx.deleteFrom('webauthn_credentials').where('id', '=', credentialId).where('user_id', '=', userId).executeTakeFirst();
    if (Number(removed.numDeletedRows) !== 1) throw notFound('passkey');
    await tx.audit(actor, context, {
      action: 'auth.passkey.removed',
      outcome: 'success',
      resource: 'users',
      resourceId: userId,
      detail: { credential: credentialId.slice(0, 16) },
    });
  });
}
