import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { RoleKey } from '@castellan/shared';
import * as oidcClient from 'openid-client';
import type { OidcConfig } from '../../config/load-config.js';
import type { RequestContext } from '../audit/audit-event.js';
import { type Actor, anonymousActor, userForAudit } from '../authz/actor.js';
import { currentRoleMatrix } from '../authz/role-matrix.js';
import { isProtectedAccount, permissionsIn } from '../authz/separation-of-duties.js';
import { openValue, sealValue } from '../crypto/envelope.js';
import { AppError } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { endBootstrapPairIfNeeded } from './bootstrap-admin.js';
import { secureHandover } from './credential-handover.js';
import { type Claims, displayName, emailVerified, groupsOf, idpMultiFactor, mappedRoles, stringClaim } from './oidc-claims.js';
import { requestLink } from './oidc-links.js';
import { assertAssignable } from './role-assignment.js';
import { createSession, hashSecret, type NewSession } from './sessions.js';
import { narrowUserTokens } from './token-scopes.js';
import { createUser, ensureTeam, findUserByEmail, mfaRequiredFor, rolesOf } from './user-directory.js';

/**
 * Single sign-on with OpenID Connect: authorization code flow with PKCE (S256), state and nonce.
 *
 * `/start` stores one `oidc_logins` row per attempt (keyed by the SHA-256 of the state; the code
 * verifier sealed under a key derived from the state) and the browser keeps the state in a cookie.
 * The callback must present the same state in the query and the cookie; the row is consumed once,
 * before the code is exchanged, so a replayed callback is refused. openid-client checks the
 * authorization response (state, RFC 9207 `iss`), sends the verifier, and validates the ID token
 * (signature from the provider's JWKS, iss, aud, azp, exp, nonce).
 *
 * The identity is found by (issuer, sub). A verified e-mail that matches an existing account only
 * CLAIMS it: nobody is signed in, and the claim waits for proof by the account's owner (password and
 * second factor) or a security administrator's approval (oidc-links.ts). JIT provisioning creates a
 * NEW account when enabled. Only members of a mapped IdP group are admitted; the mapped roles are
 * brought in line on every sign-in (roles the mapping does not mention are left alone). The IdP's
 * sign-in counts as multi-factor only as configured (oidc-claims.ts: `amr` with
 * CASTELLAN_OIDC_TRUST_AMR=true, `acr` equal to CASTELLAN_OIDC_MFA_ACR); otherwise a user with a
 * Castellan factor is asked for it, and one whose roles need MFA but has none gets a restricted
 * session that may only enrol one. Codes, tokens and the verifier are never logged or audited.
 */
export type OidcSignInResult =
  | { kind: 'session'; session: NewSession; userId: string; provisioned: boolean }
  | { kind: 'mfa'; challengeId: string; expiresAt: string; userId: string }
  | { kind: 'link'; linkToken: string; proofExpiresAt: string; userId: string };

export const OIDC_LOGIN_TTL_MS = 10 * 60_000;
const CHALLENGE_TTL_MS = 5 * 60_000;

export const ssoNotConfigured = () => new AppError('not_found', 404, 'single sign-on is not configured');
const invalidAttempt = () => new AppError('unauthenticated', 401, 'the single sign-on attempt is not valid; start again');
const providerUnreachable = () => new AppError('internal_error', 502, 'the identity provider cannot be reached; try again later');

export function oidcSettings(kernel: Kernel): OidcConfig {
  const oidc = kernel.config.oidc;
  if (!oidc) throw ssoNotConfigured();
  return oidc;
}

/** Discovery once per kernel (a failure is retried on the next sign-in). */
const configurations = new WeakMap<Kernel, Promise<oidcClient.Configuration>>();

function clientConfiguration(kernel: Kernel, oidc: OidcConfig): Promise<oidcClient.Configuration> {
  let pending = configurations.get(kernel);
  if (!pending) {
    // The configuration admits http:// only on a loopback address (a provider run by the tests or on this host).
    const insecure = oidc.issuer.startsWith('http://');
    pending = oidcClient.discovery(
      new URL(oidc.issuer),
      oidc.clientId,
      undefined,
      oidc.clientSecret ? oidcClient.ClientSecretBasic(oidc.clientSecret) : oidcClient.None(),
      { execute: insecure ? [oidcClient.allowInsecureRequests] : [], timeout: 10 },
    );
    configurations.set(kernel, pending);
    pending.catch(() => configurations.delete(kernel));
  }
  return pending;
}

/** The verifier is sealed under a key only the holder of the state (and of the blind-index key) can derive. */
const verifierKey = (kernel: Kernel, state: string): Buffer => kernel.suite.mac(kernel.keyring.blindIndexKey, `castellan:oidc-login\0${state}`);
const verifierContext = (stateHash: string) => ({ table: 'oidc_logins', column: 'code_verifier', rowId: stateHash });

/** A short, non-secret name for an error (its OAuth error code or class), fit for the audit trail. */
function errorName(error: unknown): string {
  const e = error as { error?: unknown; code?: unknown; name?: unknown };
  const pick = [e.error, e.code, e.name].find((v): v is string => typeof v === 'string' && /^[A-Za-z0-9_.-]{1,60}$/.test(v));
  return pick ?? 'error';
}

async function auditFailure(kernel: Kernel, context: RequestContext, reason: string, detail: Record<string, unknown> = {}): Promise<void> {
  await kernel.transaction((tx) => tx.audit(anonymousActor, context, { action: 'auth.sso.failed', outcome: 'failure', detail: { reason, ...detail } }));
}

/** `account`: the account concerned (the actor's, or the one an unproven identity claims by e-mail). */
async function refuse(
  kernel: Kernel,
  context: RequestContext,
  actor: Actor,
  reason: string,
  message: string,
  detail: Record<string, unknown> = {},
  account: string | null = actor.userId,
): Promise<never> {
  await kernel.transaction((tx) =>
    tx.audit(actor, context, {
      action: 'auth.sso.refused',
      outcome: 'refused',
      resource: account ? 'users' : undefined,
      resourceId: account ?? undefined,
      detail: { reason, ...detail },
    }),
  );
  throw new AppError('forbidden', 403, message);
}

/** Begins a sign-in: the provider's authorization URL and the state the browser must keep. */
export async function startOidcSignIn(kernel: Kernel, context: RequestContext, now = new Date()): Promise<{ url: string; state: string }> {
  const oidc = oidcSettings(kernel);
  let config: oidcClient.Configuration;
  try {
    config = await clientConfiguration(kernel, oidc);
  } catch (error) {
    await auditFailure(kernel, context, 'discovery', { step: 'start', error: errorName(error) });
    throw providerUnreachable();
  }
  const state = oidcClient.randomState();
  const nonce = oidcClient.randomNonce();
  const verifier = oidcClient.randomPKCECodeVerifier();
  const codeChallenge = await oidcClient.calculatePKCECodeChallenge(verifier);
  const stateHash = hashSecret(state);
  const db = kernel.db.kysely;
  await db.deleteFrom('oidc_logins').where('expires_at', '<', now.toISOString()).execute();
  await db
    .insertInto('oidc_logins')
    .values({
      state_hash: stateHash,
      code_verifier_enc: sealValue(kernel.suite, verifierKey(kernel, state), 0, verifier, verifierContext(stateHash)),
      nonce,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + OIDC_LOGIN_TTL_MS).toISOString(),
      consumed_at: null,
    })
    .execute();
  const url = oidcClient.buildAuthorizationUrl(config, {
    redirect_uri: oidc.redirectUri,
    scope: oidc.scopes,
    state,
    nonce,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  });
  return { url: url.href, state };
}

const sameString = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Consumes the attempt once: the nonce and the code verifier, or undefined (unknown, used, expired). */
async function consumeLogin(kernel: Kernel, state: string, now: Date): Promise<{ nonce: string; verifier: string } | { reason: string }> {
  const stateHash = hashSecret(state);
  const db = kernel.db.kysely;
  const row = await db.selectFrom('oidc_logins').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
  if (!row) return { reason: 'state_unknown' };
  if (row.consumed_at) return { reason: 'state_reused' };
  if (Date.parse(row.expires_at) <= now.getTime()) return { reason: 'state_expired' };
  const consumed = await db
    .updateTable('oidc_logins')
    .set({ consumed_at: now.toISOString() })
    .where('state_hash', '=', stateHash)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  if (Number(consumed.numUpdatedRows) !== 1) return { reason: 'state_reused' };
  const verifier = openValue(verifierKey(kernel, state), Buffer.from(row.code_verifier_enc), verifierContext(stateHash), kernel.suite);
  return { nonce: row.nonce, verifier };
}

/** Adds the mapped roles the user lacks and removes the managed ones the groups no longer give. */
async function syncRoles(
  kernel: Kernel,
  tx: AuditedTransaction,
  context: RequestContext,
  userId: string,
  current: readonly RoleKey[],
  granted: readonly RoleKey[],
  managed: readonly RoleKey[],
): Promise<RoleKey[]> {
  const { added, removed, next } = roleSync(current, granted, managed);
  if (!added.length && !removed.length) return next;
  // The same rules as any grant: 三员分立 across all roles, the first administrator's pair, tokens, handover.
  await assertAssignable(kernel, tx.trx, userId, next);
  const actor = userForAudit(userId);
  if (added.length)
    await tx.trx
      .insertInto('user_roles')
      .values(added.map((role_key) => ({ user_id: userId, role_key })))
      .execute();
  if (removed.length) await tx.trx.deleteFrom('user_roles').where('user_id', '=', userId).where('role_key', 'in', removed).execute();
  const tokens = await narrowUserTokens(tx, actor, context, userId, permissionsIn(next, currentRoleMatrix()));
  await tx.audit(actor, context, {
    action: 'user.updated',
    outcome: 'success',
    resource: 'users',
    resourceId: userId,
    detail: { via: 'sso', rolesAdded: added, rolesRemoved: removed, tokensNarrowed: tokens.narrowed, tokensRevoked: tokens.revoked },
  });
  await endBootstrapPairIfNeeded(kernel, tx, actor, context, userId, next);
  // A password an administrator once knew does not survive the account gaining a protected role.
  if (added.length && isProtectedAccount(next, currentRoleMatrix())) await secureHandover(kernel, tx, actor, context, userId, 'none');
  return next;
}

/** The roles the mapping adds and removes, and the user's roles after. */
function roleSync(current: readonly RoleKey[], granted: readonly RoleKey[], managed: readonly RoleKey[]) {
  const added = granted.filter((r) => !current.includes(r));
  const removed = current.filter((r) => managed.includes(r) && !granted.includes(r));
  return { added, removed, next: [...current.filter((r) => !removed.includes(r)), ...added] };
}

/** Completes a sign-in from the provider's redirect (`query` is the callback's raw query string). */
export async function completeOidcSignIn(
  kernel: Kernel,
  query: string,
  stateCookie: string | undefined,
  context: RequestContext,
  now = new Date(),
): Promise<OidcSignInResult> {
  const oidc = oidcSettings(kernel);
  const params = new URLSearchParams(query);
  const state = params.get('state');
  if (!state || state.length > 200 || !stateCookie || !sameString(state, stateCookie)) {
    await auditFailure(kernel, context, state ? 'state_mismatch' : 'state_missing');
    throw invalidAttempt();
  }
  const login = await consumeLogin(kernel, state, now);
  if ('reason' in login) {
    await auditFailure(kernel, context, login.reason);
    throw invalidAttempt();
  }
  const providerError = params.get('error');
  if (providerError) {
    await auditFailure(kernel, context, 'provider_error', { error: errorName({ error: providerError }) });
    throw new AppError('unauthenticated', 401, 'the identity provider did not sign you in');
  }

  let config: oidcClient.Configuration;
  try {
    config = await clientConfiguration(kernel, oidc);
  } catch (error) {
    await auditFailure(kernel, context, 'discovery', { step: 'callback', error: errorName(error) });
    throw providerUnreachable();
  }
  const currentUrl = new URL(oidc.redirectUri);
  currentUrl.search = params.toString();
  let claims: Claims;
  try {
    const tokens = await oidcClient.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: login.verifier,
      expectedState: state,
      expectedNonce: login.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (!idToken) throw new Error('no ID token');
    claims = { ...idToken };
    const missing =
      claims.email === undefined || claims[oidc.groupsClaim] === undefined || (oidc.teamClaim !== undefined && claims[oidc.teamClaim] === undefined);
    if (missing && config.serverMetadata().userinfo_endpoint) {
      // Providers often keep scope claims (e-mail, groups) out of the ID token; the UserInfo answer
      // must be for the same subject. ID-token claims (sub, amr, acr) are never overridden.
      const userInfo = await oidcClient.fetchUserInfo(config, tokens.access_token, idToken.sub);
      claims = { ...userInfo, ...idToken };
    }
  } catch (error) {
    await auditFailure(kernel, context, 'token_exchange', { error: errorName(error) });
    throw new AppError('unauthenticated', 401, 'the identity provider sign-in could not be verified; start again');
  }

  const issuer = String(claims.iss);
  const subject = String(claims.sub);
  const groups = groupsOf(claims, oidc.groupsClaim);
  const { granted, managed } = mappedRoles(oidc.roleMapping, groups);
  const email = stringClaim(claims, 'email');
  const verified = email !== undefined && emailVerified(claims);
  const db = kernel.db.kysely;
  const auditGroups = groups.slice(0, 20).map((g) => g.slice(0, 100));

  const identity = await db.selectFrom('oidc_identities').select('user_id').where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst();
  let userId = identity?.user_id;
  /** An existing account this (unlinked) identity claims by its verified e-mail: a claim, never a sign-in. */
  let claimed: string | undefined;
  if (!userId && verified && email) {
    const byEmail = await findUserByEmail(kernel, email);
    if (byEmail) {
      const other = await db.selectFrom('oidc_identities').select('subject').where('issuer', '=', issuer).where('user_id', '=', byEmail.id).executeTakeFirst();
      if (other) {
        // The account is linked to another identity at this provider: a re-used e-mail must not take it over.
        await refuse(
          kernel,
          context,
          anonymousActor,
          'identity_conflict',
          'this account is linked to another identity at the identity provider',
          { issuer },
          byEmail.id,
        );
      }
      claimed = byEmail.id;
    }
  }
  const actor = userId ? userForAudit(userId) : anonymousActor;
  const account = userId ?? claimed ?? null;
  if (granted.length === 0) {
    await refuse(kernel, context, actor, 'no_mapped_group', 'your identity-provider groups give no Castellan role', { issuer, groups: auditGroups }, account);
  }
  if (!userId && !claimed) {
    if (!oidc.jit) await refuse(kernel, context, actor, 'unknown_account', 'there is no Castellan account for this identity; ask an administrator', { issuer });
    if (!verified) await refuse(kernel, context, actor, 'email_unverified', 'the identity provider gave no verified e-mail address', { issuer });
  }
  if (account) {
    const status = await db.selectFrom('users').select('status').where('id', '=', account).executeTakeFirst();
    if (status?.status !== 'active') await refuse(kernel, context, actor, 'disabled', 'this account is disabled', { issuer }, account);
  }
  if (claimed) {
    // First sign-in of this identity into an existing account: the owner must prove it, or a security administrator approve it.
    const link = await requestLink(kernel, context, { issuer, subject, userId: claimed }, now);
    return { kind: 'link', linkToken: link.token, proofExpiresAt: link.proofExpiresAt, userId: claimed };
  }

  const teamName = oidc.teamClaim ? stringClaim(claims, oidc.teamClaim)?.slice(0, 200) : undefined;
  const idpMfa = idpMultiFactor(claims, oidc);
  const at = now.toISOString();
  const currentRoles = userId ? await rolesOf(kernel, userId) : [];
  if (userId) {
    const uid = userId;
    const { next } = roleSync(currentRoles, granted, managed);
    const refusal = await kernel
      .transaction((tx) => assertAssignable(kernel, tx.trx, uid, next))
      .then(
        () => undefined,
        (error: unknown) => {
          if (error instanceof AppError && error.status === 422) return error;
          throw error;
        },
      );
    if (refusal)
      await refuse(
        kernel,
        context,
        actor,
        'separation_of_duties',
        'your identity-provider groups would give this account roles one person may not hold together; ask a security administrator',
        { issuer },
        account,
      );
  }

  return kernel.transaction(async (tx) => {
    let provisioned = false;
    let roles: RoleKey[];
    if (!userId) {
      // JIT: the caller is not yet anyone; the IdP vouches for the e-mail, the mapping for the roles.
      const created = await createUser(kernel, tx, anonymousActor, context, {
        email: email ?? '',
        name: displayName(claims, email ?? ''),
        roles: granted,
        teamName,
      });
      userId = created.id;
      roles = created.roles;
      provisioned = true;
    } else {
      roles = await syncRoles(kernel, tx, context, userId, currentRoles, granted, managed);
      if (teamName) {
        const teamId = await ensureTeam(tx, userForAudit(userId), context, teamName);
        const changed = await tx.trx
          .updateTable('users')
          .set({ team_id: teamId, updated_at: at })
          .where('id', '=', userId)
          .where((eb) => eb.or([eb('team_id', 'is', null), eb('team_id', '!=', teamId)]))
          .executeTakeFirst();
        if (Number(changed.numUpdatedRows) > 0) {
          await tx.audit(userForAudit(userId), context, {
            action: 'user.updated',
            outcome: 'success',
            resource: 'users',
            resourceId: userId,
            detail: { via: 'sso', teamId },
          });
        }
      }
    }
    const uid = userId;
    if (provisioned) {
      await tx.trx.insertInto('oidc_identities').values({ issuer, subject, user_id: uid, created_at: at, last_login_at: at, linked_via: 'jit' }).execute();
    } else {
      await tx.trx.updateTable('oidc_identities').set({ last_login_at: at }).where('issuer', '=', issuer).where('subject', '=', subject).execute();
    }
    const user = await tx.trx.selectFrom('users').select(['mfa_enrolled_at']).where('id', '=', uid).executeTakeFirstOrThrow();
    const audit = (detail: Record<string, unknown>, resource: string, resourceId: string) =>
      tx.audit(userForAudit(uid), context, {
        action: 'auth.sso.succeeded',
        outcome: 'success',
        resource,
        resourceId,
        detail: { issuer, idpMfa, provisioned, ...detail },
      });

    if (!idpMfa && user.mfa_enrolled_at) {
      const challengeId = randomBytes(24).toString('base64url');
      const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString();
      await tx.trx
        .insertInto('mfa_challenges')
        .values({ id: challengeId, user_id: uid, created_at: at, expires_at: expiresAt, attempts: 0, consumed_at: null })
        .execute();
      await audit({ next: 'mfa' }, 'users', uid);
      return { kind: 'mfa' as const, challengeId, expiresAt, userId: uid };
    }
    const restricted = !idpMfa && mfaRequiredFor(roles);
    const session = await createSession(tx.trx, kernel.keyring, { id: uid, roles }, restricted ? 'restricted' : 'full', context, idpMfa ? at : null);
    await tx.trx.updateTable('users').set({ last_login_at: at }).where('id', '=', uid).execute();
    await audit({ sessionKind: session.kind }, 'sessions', session.id);
    return { kind: 'session' as const, session, userId: uid, provisioned };
  });
}

/** Whether single sign-on is configured (the sign-in page shows its button). */
export const oidcEnabled = (kernel: Kernel): boolean => kernel.config.oidc !== null;
