import type { RequestContext } from '../audit/audit-event.js';
import { isAuditPseudonym } from '../audit/audit-personal-details.js';
import type { Actor } from '../authz/actor.js';
import { nowIso } from '../data/ids.js';
import { notFound } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { unlock } from './login-throttle.js';
import { secondFactorKey } from './second-factor-throttle.js';

const SECOND_FACTOR_PREFIX = secondFactorKey('');

/** Every API token (or one user's): kind, name, scopes, times, why revoked — never the token itself. */
export async function listApiTokens(kernel: Kernel, userId?: string) {
  let q = kernel.db.kysely
    .selectFrom('api_tokens')
    .select(['id', 'user_id', 'kind', 'name', 'scopes', 'created_at', 'expires_at', 'last_used_at', 'revoked_at', 'revoked_reason'])
    .orderBy('created_at', 'desc');
  if (userId) q = q.where('user_id', '=', userId);
  const rows = await q.execute();
  return rows.map((t) => ({
    id: t.id,
    userId: t.user_id,
    kind: t.kind,
    name: t.name,
    scopes: JSON.parse(t.scopes) as string[],
    createdAt: t.created_at,
    expiresAt: t.expires_at,
    lastUsedAt: t.last_used_at,
    revokedAt: t.revoked_at,
    revokedReason: t.revoked_reason,
  }));
}

/** Revokes one token (`ownerId`: only if it is that user's — a 404 otherwise). */
export async function revokeApiToken(kernel: Kernel, actor: Actor, context: RequestContext, id: string, ownerId?: string): Promise<void> {
  await kernel.transaction(async (tx) => {
    let q = tx.trx.updateTable('api_tokens').set({ revoked_at: nowIso(), revoked_reason: 'revoked' }).where('id', '=', id).where('revoked_at', 'is', null);
    if (ownerId) q = q.where('user_id', '=', ownerId);
    const done = await q.executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw notFound('token');
    await tx.audit(actor, context, { action: 'auth.token.revoked', outcome: 'success', resource: 'api_tokens', resourceId: id });
  });
}

/**
 * Locked keys: sign-in accounts (e-mail blind indexes, shown as the user they belong to), client
 * addresses (shown as their keyed pseudonym `ip:<16 hex>`, the one the audit trail uses: never the
 * address), and users' second-factor counters (`second_factor`, named by user id).
 */
export async function listLockouts(kernel: Kernel) {
  const now = nowIso();
  const rows = await kernel.db.kysely.selectFrom('login_throttle').selectAll().where('locked_until', '>', now).orderBy('locked_until', 'desc').execute();
  const indexes = rows.filter((r) => r.key.startsWith('acct:')).map((r) => r.key.slice(5));
  const users = indexes.length ? await kernel.db.kysely.selectFrom('users').select(['id', 'email_bidx']).where('email_bidx', 'in', indexes).execute() : [];
  const byIndex = new Map(users.map((u) => [u.email_bidx, u.id]));
  return rows.map((r) => ({
    key: r.key.startsWith('ip:') ? r.key : r.key.startsWith(SECOND_FACTOR_PREFIX) ? 'second_factor' : 'account',
    userId: r.key.startsWith(SECOND_FACTOR_PREFIX) ? r.key.slice(SECOND_FACTOR_PREFIX.length) : (byIndex.get(r.key.slice(5)) ?? null),
    failuresThisHour: r.failures,
    lockedUntil: r.locked_until ?? now,
  }));
}

export async function unlockUser(kernel: Kernel, actor: Actor, context: RequestContext, userId: string): Promise<void> {
  const user = await kernel.db.kysely.selectFrom('users').select(['email_bidx']).where('id', '=', userId).executeTakeFirst();
  if (!user) throw notFound('user');
  await kernel.transaction(async (tx) => {
    await unlock(tx.trx, `acct:${user.email_bidx}`);
    await unlock(tx.trx, `pwchange:${userId}`);
    await unlock(tx.trx, secondFactorKey(userId));
    await tx.audit(actor, context, { action: 'auth.unlocked', outcome: 'success', resource: 'users', resourceId: userId });
  });
}

/** Lifts the per-address sign-in lockout named by its pseudonym (`ip:<16 hex>`, as the lockout list shows it). */
export async function unlockAddress(kernel: Kernel, actor: Actor, context: RequestContext, key: string): Promise<void> {
  if (!key.startsWith('ip:') || !isAuditPseudonym(key)) throw notFound('lockout');
  await kernel.transaction(async (tx) => {
    const found = await tx.trx.selectFrom('login_throttle').select('key').where('key', '=', key).executeTakeFirst();
    if (!found) throw notFound('lockout');
    await unlock(tx.trx, key);
    await tx.audit(actor, context, { action: 'auth.unlocked', outcome: 'success', resource: 'login_throttle', resourceId: key });
  });
}
