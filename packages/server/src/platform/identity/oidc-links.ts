import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import { can } from '../authz/access-policy.js';
import { type Actor, anonymousActor } from '../authz/actor.js';
import { newId } from '../data/ids.js';
import type { OidcPendingLinksTable } from '../db/schema.js';
import { AppError, conflict, forbidden, notFound } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { hasFreshSecondFactor, sessionUser } from './second-factor.js';
import { hashSecret } from './sessions.js';

/**
 * Linking an IdP identity to an EXISTING account. A matching e-mail is only a claim: an IdP that
 * lets its users edit their address would otherwise hand out any account, the administrator's
 * included. The claim waits in `oidc_pending_links` until one of two proofs:
 *
 *   - the account's owner, in the browser that came back from the IdP (a link cookie bound to the
 *     attempt, so nobody can send them a link of theirs to complete), signs in with the account's
 *     password and second factor after the attempt and within LINK_PROOF_TTL_MS, then
 *     POST /api/v1/auth/oidc/link; or
 *   - a security administrator (sessions.manage, after a step-up, never for their own account)
 *     approves it within LINK_APPROVAL_TTL_MS, or refuses it.
 *
 * Every step is audited with ids only. Links are made in one transaction that claims the pending
 * row once, so a link is never made twice or after a refusal.
 */
export const LINK_PROOF_TTL_MS = 10 * 60_000;
export const LINK_APPROVAL_TTL_MS = 7 * 86_400_000;

export type LinkedVia = 'jit' | 'password_and_factor' | 'approval';

export interface PendingLinkView {
  id: string;
  userId: string;
  issuer: string;
  subject: string;
  createdAt: string;
  proofExpiresAt: string;
  expiresAt: string;
}

const noSuchLink = () =>
  new AppError('not_found', 404, 'no single sign-on link is waiting in this browser, or it expired: sign in with single sign-on again, then retry');
const proofNeeded = () =>
  new AppError(
    'step_up_required',
    403,
    'linking needs a fresh sign-in with your password and second factor after the single sign-on attempt: sign in (POST /api/v1/auth/login, then /auth/mfa), then retry within 10 minutes of the attempt',
  );

/** Records (or renews) the claim of an IdP identity on an existing account; returns the token for the browser's link cookie. */
export async function requestLink(
  kernel: Kernel,
  context: RequestContext,
  claim: { issuer: string; subject: string; userId: string },
  now = new Date(),
): Promise<{ token: string; linkId: string; proofExpiresAt: string }> {
  const token = randomBytes(32).toString('base64url');
  const at = now.toISOString();
  const proofExpiresAt = new Date(now.getTime() + LINK_PROOF_TTL_MS).toISOString();
  const expiresAt = new Date(now.getTime() + LINK_APPROVAL_TTL_MS).toISOString();
  const linkId = await kernel.transaction(async (tx) => {
    await tx.trx.deleteFrom('oidc_pending_links').where('expires_at', '<=', at).execute();
    const existing = await tx.trx
      .selectFrom('oidc_pending_links')
      .select(['id', 'user_id'])
      .where('issuer', '=', claim.issuer)
      .where('subject', '=', claim.subject)
      .executeTakeFirst();
    let id = existing?.id;
    if (existing && existing.user_id === claim.userId) {
      // The same claim again: a new proof window for this browser; the request stays in the approval list.
      await tx.trx
        .updateTable('oidc_pending_links')
        .set({ token_hash: hashSecret(token), proof_expires_at: proofExpiresAt, expires_at: expiresAt })
        .where('id', '=', existing.id)
        .execute();
    } else {
      // A claim on another account than before replaces it (an approval is always for what the list showed).
      if (existing) await tx.trx.deleteFrom('oidc_pending_links').where('id', '=', existing.id).execute();
      id = newId();
      await tx.trx
        .insertInto('oidc_pending_links')
        .values({
          id,
          issuer: claim.issuer,
          subject: claim.subject,
          user_id: claim.userId,
          token_hash: hashSecret(token),
          created_at: at,
          proof_expires_at: proofExpiresAt,
          expires_at: expiresAt,
        })
        .execute();
    }
    const linkId = String(id);
    // The caller is not yet known to be the account's owner: anonymous, naming the account claimed.
    await tx.audit(anonymousActor, context, {
      action: 'auth.sso.link_required',
      outcome: 'refused',
      resource: 'users',
      resourceId: claim.userId,
      detail: { issuer: claim.issuer, linkId, renewed: existing?.user_id === claim.userId },
    });
    return linkId;
  });
  return { token, linkId, proofExpiresAt };
}

async function auditRefusal(kernel: Kernel, actor: Actor, context: RequestContext, userId: string | undefined, detail: Record<string, unknown>): Promise<void> {
  await kernel.transaction((tx) =>
    tx.audit(actor, context, { action: 'auth.sso.link_refused', outcome: 'refused', resource: 'users', resourceId: userId, detail }),
  );
}

/** Makes the link from a pending claim, once: claims the row, checks nothing else holds the identity or the account at this issuer. */
async function makeLink(
  kernel: Kernel,
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  link: OidcPendingLinksTable,
  via: LinkedVia,
): Promise<void> {
  const claimed = await tx.trx.deleteFrom('oidc_pending_links').where('id', '=', link.id).executeTakeFirst();
  if (Number(claimed.numDeletedRows) !== 1) throw notFound('single sign-on link');
  // Serialise links to one account across nodes (SQLite transactions are serial already).
  if (kernel.db.dialect === 'postgres') await sql`SELECT id FROM users WHERE id = ${link.user_id} FOR UPDATE`.execute(tx.trx);
  const user = await tx.trx.selectFrom('users').select('status').where('id', '=', link.user_id).executeTakeFirst();
  if (user?.status !== 'active') throw conflict('the account is disabled; enable it before linking');
  const taken = await tx.trx
    .selectFrom('oidc_identities')
    .select('user_id')
    .where('issuer', '=', link.issuer)
    .where((eb) => eb.or([eb('subject', '=', link.subject), eb('user_id', '=', link.user_id)]))
    .executeTakeFirst();
  if (taken) throw conflict('the identity or the account is already linked at this identity provider');
  const at = new Date().toISOString();
  await tx.trx
    .insertInto('oidc_identities')
    .values({ issuer: link.issuer, subject: link.subject, user_id: link.user_id, created_at: at, last_login_at: null, linked_via: via })
    .execute();
  await tx.audit(actor, context, {
    action: 'auth.sso.linked',
    outcome: 'success',
    resource: 'users',
    resourceId: link.user_id,
    detail: { issuer: link.issuer, linkId: link.id, via },
  });
}

/** The proof path: the signed-in owner of the claimed account, with a sign-in (password + second factor) made after the attempt. */
export async function completeLinkWithProof(kernel: Kernel, actor: Actor, context: RequestContext, token: string | undefined, now = new Date()): Promise<void> {
  const userId = sessionUser(actor);
  const db = kernel.db.kysely;
  const link =
    token && token.length <= 100
      ? await db.selectFrom('oidc_pending_links').selectAll().where('token_hash', '=', hashSecret(token)).executeTakeFirst()
      : undefined;
  if (!link || Date.parse(link.proof_expires_at) <= now.getTime()) {
    await auditRefusal(kernel, actor, context, link?.user_id, { step: 'proof', reason: link ? 'expired' : 'no_link', ...(link ? { linkId: link.id } : {}) });
    throw noSuchLink();
  }
  if (link.user_id !== userId) {
    await auditRefusal(kernel, actor, context, link.user_id, { step: 'proof', reason: 'other_account', linkId: link.id, issuer: link.issuer });
    throw forbidden('this single sign-on link claims another account: sign in as that account to link it');
  }
  // The session must come from a sign-in made after this browser's attempt (password, then second factor), not from earlier.
  const attemptAt = new Date(Date.parse(link.proof_expires_at) - LINK_PROOF_TTL_MS).toISOString();
  const session = actor.session ? await db.selectFrom('sessions').select('created_at').where('id', '=', actor.session.id).executeTakeFirst() : undefined;
  if (!session || session.created_at < attemptAt || !hasFreshSecondFactor(actor, now.getTime())) {
    await auditRefusal(kernel, actor, context, userId, { step: 'proof', reason: 'no_fresh_sign_in', linkId: link.id, issuer: link.issuer });
    throw proofNeeded();
  }
  await kernel.transaction((tx) => makeLink(kernel, tx, actor, context, link, 'password_and_factor'));
}

function requireLinkAdmin(actor: Actor): void {
  if (!can(actor, 'sessions.manage')) throw forbidden('missing permission sessions.manage');
}

/** Claims waiting for a decision (the security administrator's list). */
export async function listPendingLinks(kernel: Kernel, actor: Actor, now = new Date()): Promise<PendingLinkView[]> {
  requireLinkAdmin(actor);
  const rows = await kernel.db.kysely.selectFrom('oidc_pending_links').selectAll().where('expires_at', '>', now.toISOString()).orderBy('created_at').execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    issuer: r.issuer,
    subject: r.subject,
    createdAt: r.created_at,
    proofExpiresAt: r.proof_expires_at,
    expiresAt: r.expires_at,
  }));
}

async function pendingLink(kernel: Kernel, id: string, now: Date): Promise<OidcPendingLinksTable> {
  const link = await kernel.db.kysely.selectFrom('oidc_pending_links').selectAll().where('id', '=', id).executeTakeFirst();
  if (!link || Date.parse(link.expires_at) <= now.getTime()) throw notFound('single sign-on link');
  return link;
}

/** The approval path: a security administrator, after a step-up, never for their own account. */
export async function approveLink(kernel: Kernel, actor: Actor, context: RequestContext, id: string, now = new Date()): Promise<void> {
  requireLinkAdmin(actor);
  const link = await pendingLink(kernel, id, now);
  if (link.user_id === actor.userId) {
    await auditRefusal(kernel, actor, context, link.user_id, { step: 'approval', reason: 'own_account', linkId: link.id, issuer: link.issuer });
    throw forbidden('nobody may approve a single sign-on link to their own account');
  }
  if (actor.kind !== 'system' && !hasFreshSecondFactor(actor, now.getTime())) {
    throw new AppError('step_up_required', 403, 'approving a single sign-on link needs your own fresh second factor: POST /api/v1/auth/step-up, then retry');
  }
  await kernel.transaction((tx) => makeLink(kernel, tx, actor, context, link, 'approval'));
}

/** Refuses a claim: it is removed (the identity may claim again, and is listed again). */
export async function refuseLink(kernel: Kernel, actor: Actor, context: RequestContext, id: string, now = new Date()): Promise<void> {
  requireLinkAdmin(actor);
  const link = await pendingLink(kernel, id, now);
  await kernel.transaction(async (tx) => {
    const removed = await tx.trx.deleteFrom('oidc_pending_links').where('id', '=', link.id).executeTakeFirst();
    if (Number(removed.numDeletedRows) !== 1) throw notFound('single sign-on link');
    await tx.audit(actor, context, {
      action: 'auth.sso.link_refused',
      outcome: 'success',
      resource: 'users',
      resourceId: link.user_id,
      detail: { step: 'approval', reason: 'refused_by_security_admin', linkId: link.id, issuer: link.issuer },
    });
  });
}
