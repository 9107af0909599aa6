import type { Permission, RoleKey } from '@castellan/shared';
import { roleDefinition } from './role-matrix.js';

/** Who is acting: a signed-in user, an API token (acting for its user, narrowed by scopes), or a system job. */
export interface Actor {
  readonly kind: 'user' | 'token' | 'system' | 'anonymous';
  /** The user the action is attributed to (null for system jobs). */
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
