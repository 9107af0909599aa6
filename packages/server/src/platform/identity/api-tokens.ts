import { createHash, randomBytes } from 'node:crypto';
import { isPermission, type Permission } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import { type Actor, permissionsOfRoles, tokenActor } from '../authz/actor.js';
import { newId, nowIso } from '../data/ids.js';
import { forbidden, unprocessable } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { requireFreshSecondFactor } from './second-factor.js';
import { mfaRequiredFor, rolesOf, type UserRecord } from './user-directory.js';

/**
 * API tokens: `cst_<id>_<secret>`; 256-bit secret, shown once, stored as SHA-256 (the secret is
 * random, so a fast hash is enough). Scopes are a subset of the user's permissions; expiry is mandatory.
 *
 * A token of an account for which a second factor is mandatory (it administers or can read personal
 * data) is made only by its user, from a session with a fresh second factor (`personal`), or by the
 * operator's CLI as a named `integration` token — never by anyone else, and never without one of the two.
 */
const PREFIX = 'cst_';
const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export interface CreatedToken {
  id: string;
  token: string;
  kind: TokenKind;
  name: string | null;
  scopes: Permission[];
  expiresAt: string;
}

export type TokenKind = 'personal' | 'integration';

/** A token's name is an identifier (letters, digits, `.`, `_`, `-`), not free text. */
export const tokenNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Who may make a token of this kind for this user; throws when the actor may not. */
function assertMayCreate(actor: Actor, user: UserRecord, kind: TokenKind, name: string | undefined): void {
  if (name !== undefined && !tokenNamePattern.test(name)) throw unprocessable('a token name is 1-64 letters, digits, dots, underscores or hyphens');
  if (kind === 'integration') {
    if (actor.kind !== 'system') throw forbidden('integration tokens are made by the operator: castellan token create --integration <name>');
    if (!name) throw unprocessable('an integration token needs a name');
    return;
  }
  const own = actor.kind === 'user' && actor.userId === user.id && actor.session?.kind === 'full';
  if (!mfaRequiredFor(user.roles)) {
    if (!own && actor.kind !== 'system') throw forbidden('a personal token is made by its own user, from a signed-in session');
    return;
  }
  if (!own)
    throw forbidden(
      'this account administers or can read personal data: its user makes a token from a session with a fresh second factor (POST /api/v1/me/tokens), or the operator makes a named integration token (castellan token create --integration <name>)',
    );
  requireFreshSecondFactor(actor, 'making a token');
}

export async function createApiToken(
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  user: UserRecord,
  requested: string[] | undefined,
  ttlDays: number,
  options: { kind?: TokenKind; name?: string } = {},
): Promise<CreatedToken> {
  const kind = options.kind ?? 'personal';
  assertMayCreate(actor, user, kind, options.name);
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
      kind,
      name: options.name ?? null,
      revoked_reason: null,
    })
    .execute();
  await tx.audit(actor, context, {
    action: 'auth.token.created',
    outcome: 'success',
    resource: 'api_tokens',
    resourceId: id,
    detail: { userId: user.id, kind, scopes, expiresAt },
  });
  return { id, token, kind, name: options.name ?? null, scopes: scopes as Permission[], expiresAt };
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
