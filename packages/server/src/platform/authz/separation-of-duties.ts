import { isPersonalDataPermission, type Permission, personalDataPermissions, type RoleKey } from '@castellan/shared';
import type { RoleMatrix } from './role-matrix.js';

/**
 * 等保 三员分立 as a pure rule over permissions: no single role, and no single user across all the
 * roles they hold, combines two administrator duties (system / security / audit), or an administrator
 * duty with a permission on personal data. The one exception is the first administrator made by
 * `castellan init` (system_admin + security_admin), until a second administrator exists.
 */
export type Duty = 'system' | 'security' | 'audit';

/** The permissions that make up each administrator duty. */
export const administratorDuties: Record<Duty, readonly Permission[]> = {
  system: ['users.manage'],
  security: ['roles.assign', 'sessions.manage', 'keys.manage', 'tokens.manage'],
  audit: ['audit.read'],
};

/** The first administrator's two roles (SPEC section 1), allowed together on that user only. */
export const bootstrapPair: readonly RoleKey[] = ['system_admin', 'security_admin'];

export function dutiesOf(permissions: Iterable<string>): Duty[] {
  const held = new Set(permissions);
  return (Object.keys(administratorDuties) as Duty[]).filter((duty) => administratorDuties[duty].some((p) => held.has(p)));
}

export const holdsPersonalData = (permissions: Iterable<string>): boolean => [...permissions].some(isPersonalDataPermission);

export function permissionsIn(roles: readonly RoleKey[], matrix: RoleMatrix): Set<Permission> {
  return new Set(roles.flatMap((role) => matrix[role]?.permissions ?? []));
}

/**
 * An account whose credentials an administrator must never know and whose tokens need a second
 * factor: it administers something or can read personal data (SPEC 2.3: MFA is mandatory for it).
 */
export function isProtectedAccount(roles: readonly RoleKey[], matrix: RoleMatrix): boolean {
  const permissions = permissionsIn(roles, matrix);
  return roles.some((role) => matrix[role]?.administrator) || dutiesOf(permissions).length > 0 || holdsPersonalData(permissions);
}

/**
 * Reading the sealed personal details of the audit trail (staff IP addresses, user agents, reveal
 * notes) belongs to the audit side: the audit administrator and the privacy officer hold it. It is
 * not a duty of its own, but the system and security administrators may never hold it — they
 * would otherwise watch the very people who watch them.
 */
export const auditPersonalPermission: Permission = 'audit.personal';

/** What a set of permissions held together (by one role or one user, `who`) may not combine. */
export function permissionProblems(permissions: Iterable<string>, who: string): string[] {
  const held = [...permissions];
  const duties = dutiesOf(held);
  const problems: string[] = [];
  const watchers = duties.filter((duty) => duty === 'system' || duty === 'security');
  if (held.includes(auditPersonalPermission) && watchers.length > 0)
    problems.push(`${who} may not combine the ${watchers.join(' and ')} administrator duty with audit.personal (等保 三员分立)`);
  if (duties.length > 1) problems.push(`${who} may not combine the ${duties.join(' and ')} administrator duties (等保 三员分立)`);
  if (duties.length > 0 && holdsPersonalData(held))
    problems.push(
      `${who} may not combine the ${duties.join(' and ')} administrator duty with a permission on personal data (${personalDataPermissions.filter((p) => held.includes(p)).join(', ')}; 等保 三员分立)`,
    );
  return problems;
}

/**
 * The reasons why one user may not hold all of `roles` at once (empty: acceptable). `bootstrapPair`
 * says the user is the first administrator and no second administrator exists yet.
 */
export function assignmentProblems(roles: readonly RoleKey[], matrix: RoleMatrix, options: { bootstrapPair?: boolean } = {}): string[] {
  const permissions = permissionsIn(roles, matrix);
  const problems = permissionProblems(permissions, 'one user');
  const pairOnly = roles.every((role) => bootstrapPair.includes(role));
  const duties = dutiesOf(permissions);
  const pairDuties = duties.every((duty) => duty === 'system' || duty === 'security');
  if (options.bootstrapPair && pairOnly && pairDuties && !holdsPersonalData(permissions)) return [];
  return problems;
}
