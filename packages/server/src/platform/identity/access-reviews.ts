import { noRequest, type RequestContext } from '../audit/audit-event.js';
import { can } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { currentRoleMatrix } from '../authz/role-matrix.js';
import { permissionsIn } from '../authz/separation-of-duties.js';
import { newId, nowIso } from '../data/ids.js';
import { AppError, forbidden, notFound } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { disableAccount } from './account-lifecycle.js';
import { rolesIn } from './bootstrap-admin.js';
import { revokeUserSessions } from './sessions.js';
import { narrowUserTokens } from './token-scopes.js';

/**
 * Access reviews (等保 / ISO 27001 A.5.18): a campaign lists each active user's roles to their
 * manager (users.manager_id; the security administrators when none is set), who confirms or revokes
 * them. Revoking removes the roles at once and ends the user's sessions. Dormant accounts — no
 * sign-in for N days — are reported, and disabled by a job when the install asks for it.
 */
export async function startAccessReview(kernel: Kernel, actor: Actor, context: RequestContext, dueDays: number) {
  const id = newId();
  const now = new Date();
  const due = new Date(now.getTime() + dueDays * 86_400_000).toISOString();
  return kernel.transaction(async (tx) => {
    const users = await tx.trx.selectFrom('users').select(['id', 'manager_id']).where('status', '=', 'active').execute();
    const roles = await tx.trx.selectFrom('user_roles').select(['user_id', 'role_key']).execute();
    const byUser = new Map<string, string[]>();
    for (const r of roles) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r.role_key]);
    const items = users
      .filter((u) => byUser.has(u.id))
      .map((u) => ({
        review_id: id,
        user_id: u.id,
        reviewer_id: u.manager_id,
        roles: JSON.stringify(byUser.get(u.id)),
        decision: 'pending',
        decided_at: null,
        decided_by: null,
      }));
    await tx.trx
      .insertInto('access_reviews')
      .values({ id, created_at: now.toISOString(), created_by: actor.userId, due_at: due, status: 'open', closed_at: null })
      .execute();
    for (let i = 0; i < items.length; i += 500)
      await tx.trx
        .insertInto('access_review_items')
        .values(items.slice(i, i + 500))
        .execute();
    await tx.audit(actor, context, {
      action: 'access_review.started',
      outcome: 'success',
      resource: 'access_reviews',
      resourceId: id,
      detail: { items: items.length, dueAt: due },
    });
    return { id, dueAt: due, items: items.length };
  });
}

/** The pending decisions this actor is asked to make. */
export async function pendingReviewItems(kernel: Kernel, actor: Actor) {
  let q = kernel.db.kysely
    .selectFrom('access_review_items')
    .innerJoin('access_reviews', 'access_reviews.id', 'access_review_items.review_id')
    .select([
      'access_review_items.review_id',
      'access_review_items.user_id',
      'access_review_items.roles',
      'access_review_items.reviewer_id',
      'access_reviews.due_at',
    ])
    .where('access_reviews.status', '=', 'open')
    .where('access_review_items.decision', '=', 'pending');
  q = can(actor, 'roles.assign')
    ? q.where((eb) => eb.or([eb('access_review_items.reviewer_id', '=', actor.userId ?? ''), eb('access_review_items.reviewer_id', 'is', null)]))
    : q.where('access_review_items.reviewer_id', '=', actor.userId ?? '');
  const rows = await q.where('access_review_items.user_id', '!=', actor.userId ?? '').execute();
  return rows.map((r) => ({ reviewId: r.review_id, userId: r.user_id, roles: JSON.parse(r.roles) as string[], dueAt: r.due_at }));
}

export async function decideReviewItem(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  reviewId: string,
  userId: string,
  decision: 'confirm' | 'revoke',
) {
  return kernel.transaction(async (tx) => {
    const item = await tx.trx
      .selectFrom('access_review_items')
      .innerJoin('access_reviews', 'access_reviews.id', 'access_review_items.review_id')
      .select(['access_review_items.reviewer_id', 'access_review_items.roles', 'access_review_items.decision', 'access_reviews.status'])
      .where('access_review_items.review_id', '=', reviewId)
      .where('access_review_items.user_id', '=', userId)
      .executeTakeFirst();
    const mine = item && (item.reviewer_id === actor.userId || (item.reviewer_id === null && can(actor, 'roles.assign')));
    if (!item || !mine) throw notFound('review item');
    if (userId === actor.userId) throw forbidden('nobody reviews their own access');
    if (item.status !== 'open' || item.decision !== 'pending') throw new AppError('conflict', 409, 'this item is already decided or the review is closed');
    const roles = JSON.parse(item.roles) as string[];
    await tx.trx
      .updateTable('access_review_items')
      .set({ decision: decision === 'confirm' ? 'confirmed' : 'revoked', decided_at: nowIso(), decided_by: actor.userId })
      .where('review_id', '=', reviewId)
      .where('user_id', '=', userId)
      .execute();
    let sessionsEnded = 0;
    let tokens = { narrowed: 0, revoked: 0 };
    if (decision === 'revoke') {
      await tx.trx.deleteFrom('user_roles').where('user_id', '=', userId).where('role_key', 'in', roles).execute();
      sessionsEnded = await revokeUserSessions(tx.trx, userId);
      tokens = await narrowUserTokens(tx, actor, context, userId, permissionsIn(await rolesIn(tx.trx, userId), currentRoleMatrix()));
    }
    await tx.audit(actor, context, {
      action: 'access_review.decided',
      outcome: 'success',
      resource: 'users',
      resourceId: userId,
      detail: { reviewId, decision, roles, sessionsEnded, tokensNarrowed: tokens.narrowed, tokensRevoked: tokens.revoked },
    });
    return { reviewId, userId, decision, roles };
  });
}

export async function reviewSummary(kernel: Kernel, reviewId: string) {
  const review = await kernel.db.kysely.selectFrom('access_reviews').selectAll().where('id', '=', reviewId).executeTakeFirst();
  if (!review) throw notFound('review');
  const items = await kernel.db.kysely.selectFrom('access_review_items').select(['decision']).where('review_id', '=', reviewId).execute();
  const count = (d: string) => items.filter((i) => i.decision === d).length;
  return {
    id: review.id,
    status: review.status,
    createdAt: review.created_at,
    dueAt: review.due_at,
    closedAt: review.closed_at,
    pending: count('pending'),
    confirmed: count('confirmed'),
    revoked: count('revoked'),
  };
}

/** Active accounts with no sign-in for `days` days (never signed in: counted from creation). */
export async function dormantUsers(kernel: Kernel, days: number, now = new Date()) {
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  const rows = await kernel.db.kysely
    .selectFrom('users')
    .select(['id', 'last_login_at', 'created_at'])
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('last_login_at', '<', cutoff), eb.and([eb('last_login_at', 'is', null), eb('created_at', '<', cutoff)])]))
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ userId: r.id, lastLoginAt: r.last_login_at, createdAt: r.created_at }));
}

/** Disables dormant accounts (ending their sessions); run by the dormant-accounts job. */
export async function disableDormantUsers(kernel: Kernel, actor: Actor, days: number, now = new Date()): Promise<string[]> {
  const dormant = await dormantUsers(kernel, days, now);
  if (dormant.length === 0) return [];
  await kernel.transaction(async (tx) => {
    for (const { userId } of dormant) {
      await disableAccount(tx, actor, noRequest, userId, { reason: 'dormant', days });
    }
  });
  return dormant.map((d) => d.userId);
}
