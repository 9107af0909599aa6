import type { Permission, RoleKey } from '@castellan/shared';
import { roleDefinition } from './role-matrix.js';

/**
 * Who is acting: a signed-in user, an API token (acting for its user, narrowed by scopes), an
 * operator at the console acting on behalf of a user (the CLI's `--as`), or a system job.
 */
export interface Actor {
  readonly kind: 'user' | 'token' | 'operator' | 'system' | 'anonymous';
  /** The user whose scope and field rules apply: the actor itself, or the user an operator acts for (null for system jobs). */
  readonly userId: string | null;
  /** The token id when kind = 'token'. */
  readonly tokenId: string | null;
  readonly teamId: string | null;
  readonly roles: readonly RoleKey[];
  readonly permissions: ReadonlySet<Permission>;
  /** Why a system actor acts; recorded in every audit event it causes. */
  readonly reason?: string;
  /** The session a cookie-authenticated user acts through. */
  readonly session?: { id: string; kind: 'full' | 'restricted'; mfaAt: string | null };
  /** kind = 'operator': who is at the console (the OS account) and the verb; the audit trail names them as the actor. */
  readonly operator?: { readonly osUser: string; readonly verb: string };
}

/** Names a user in an audit event without granting anything (sign-in steps, before a session exists). */
export function userForAudit(userId: string): Actor {
  return { kind: 'user', userId, tokenId: null, teamId: null, roles: [], permissions: new Set() };
}

/** The not-yet-identified caller of a public endpoint. */
export const anonymousActor: Actor = { kind: 'anonymous', userId: null, tokenId: null, teamId: null, roles: [], permissions: new Set() };

export function permissionsOfRoles(roles: readonly RoleKey[]): Set<Permission> {
  return new Set(roles.flatMap((role) => roleDefinition(role).permissions));
}

export function userActor(user: { id: string; teamId: string | null }, roles: readonly RoleKey[], session?: Actor['session']): Actor {
  const actor: Actor = { kind: 'user', userId: user.id, tokenId: null, teamId: user.teamId, roles, permissions: permissionsOfRoles(roles) };
  // An enrolment session (second factor still missing) holds no permission at all.
  if (session?.kind === 'restricted') return { ...actor, permissions: new Set(), session };
  return session ? { ...actor, session } : actor;
}

/** A token acts for its user with at most the token's scopes (never more than the user holds now). */
export function tokenActor(user: { id: string; teamId: string | null }, roles: readonly RoleKey[], tokenId: string, scopes: readonly Permission[]): Actor {
  const held = permissionsOfRoles(roles);
  const permissions = new Set(scopes.filter((scope) => held.has(scope)));
  return { kind: 'token', userId: user.id, tokenId, teamId: user.teamId, roles, permissions };
}

/**
 * An operator at the console acting on behalf of a user: the user's permissions, record scope and
 * field rules apply, but the audit trail names the operator (OS account) as the actor and the user
 * only as the one acted for, so nobody at the console can make an act look like the user's own.
 */
export function onBehalfOfActor(operator: { osUser: string; verb: string }, user: { id: string; teamId: string | null }, roles: readonly RoleKey[]): Actor {
  return { ...userActor(user, roles), kind: 'operator', operator };
}
