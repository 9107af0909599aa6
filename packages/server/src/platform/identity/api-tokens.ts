import { createHash, randomBytes } from 'node:crypto';
import { isPermission, type Permission } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import { type Actor, permissionsOfRoles, tokenActor } from '../authz/actor.js';
import { newId, nowIso } from '../data/ids.js';
import { unprocessable } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { rolesOf, type UserRecord } from './user-directory.js';

/**
 * API tokens: `cst_<id>_<secret>`; 256-bit secret, shown once, stored as SHA-256 (the secret is
 * random, so a fast hash is enough). Scopes are a subset of the user's permissions; expiry is mandatory.
 */
const PREFIX = 'cst_';
const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export interface CreatedToken {
  id: string;
  token: string;
  scopes: Permission[];
  expiresAt: string;
}

export async function createApiToken(
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  user: UserRecord,
  requested: string[] | undefined,
  ttlDays: number,
): Promise<CreatedToken> {
  if (user.status !== 'active') throw unprocessable('the user is disabled');
  if (!Number.isInteger(ttlDays) || ttlDays < 1 || ttlDays > 366) throw unprocessable('expiry must be 1 to 366 days');
  const held = permissionsOfRoles(user.roles);
  const scopes = requested?.length ? requested : [...held];
  const invalid = scopes.filter((s) => !isPermission(s) || !held.has(s));
  if (invalid.length > 0) throw unprocessable(`scopes not held by the user: ${invalid.join(', ')}`);
  if (scopes.length === 0) throw unprocessable('the user holds no permission a token could carry');
  const id = newId().replace(/-/g, '');
  const token = `${PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + ttlDays * 86_400_000).toISOString();
  await tx.trx
    .insertInto('api_tokens')
    .values({
      id,
      user_id: user.id,
      token_hash: hashToken(token),
      scopes: JSON.stringify(scopes),
      created_at: nowIso(),
      expires_at: expiresAt,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  await tx.audit(actor, context, {
    action: 'auth.token.created',
    outcome: 'success',
    resource: 'api_tokens',
    resourceId: id,
    detail: { userId: user.id, scopes, expiresAt },
  });
  return { id, token, scopes: scopes as Permission[], expiresAt };
}

/** Resolves a presented bearer token to its actor, or undefined (unknown, revoked, expired, disabled user). */
export async function actorForToken(kernel: Kernel, token: string): Promise<Actor | undefined> {
  if (!token.startsWith(PREFIX) || token.length > 200) return undefined;
  const row = await kernel.db.kysely
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'api_tokens.id',
      'api_tokens.scopes',
      'api_tokens.expires_at',
      'api_tokens.revoked_at',
      'api_tokens.last_used_at',
      'users.id as user_id',
      'users.team_id',
      'users.status',
    ])
    .where('api_tokens.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.status !== 'active' || row.expires_at <= nowIso()) return undefined;
  const roles = await rolesOf(kernel, row.user_id);
  const scopes = (JSON.parse(row.scopes) as string[]).filter(isPermission);
  if (!row.last_used_at || Date.now() - Date.parse(row.last_used_at) > 60_000) {
    await kernel.db.kysely.updateTable('api_tokens').set({ last_used_at: nowIso() }).where('id', '=', row.id).execute();
  }
  return tokenActor({ id: row.user_id, teamId: row.team_id }, roles, row.id, scopes);
}
