import {
  defaultRoles,
  type FieldAccess,
  fieldCatalogue,
  fieldRuleObjects,
  isOwnedObject,
  isPermission,
  isProtected,
  type Permission,
  type RecordScope,
  type RoleDefinition,
  type RoleKey,
  roleKeys,
} from '@castellan/shared';
import { permissionProblems } from './separation-of-duties.js';

/**
 * The role matrix in force: the default roles of SPEC section 1 as edited by the security
 * administrator (stored in the `roles` table, loaded by the kernel). Policies read it from here.
 */
export type RoleMatrix = Readonly<Record<RoleKey, RoleDefinition>>;

let current: RoleMatrix = defaultRoles;

export const roleDefinition = (key: RoleKey): RoleDefinition => current[key];
export const currentRoleMatrix = (): RoleMatrix => current;
export function installRoleMatrix(matrix: RoleMatrix): void {
  current = matrix;
}

/** 等保 三员分立: the duties no single role (and no single user) may combine. */
export { administratorDuties } from './separation-of-duties.js';

export interface RoleChange {
  permissions?: string[];
  scope?: Record<string, string>;
  fields?: Record<string, Record<string, string>>;
}

const scopes: readonly RecordScope[] = ['own', 'team', 'all'];
const accesses: readonly FieldAccess[] = ['hidden', 'masked', 'readable'];

/** Applies a change to one role, or returns the reasons it is refused. */
export function applyRoleChange(matrix: RoleMatrix, key: RoleKey, change: RoleChange): { role: RoleDefinition; problems: string[] } {
  const problems: string[] = [];
  const before = matrix[key];
  const permissions = change.permissions ?? [...before.permissions];
  for (const p of permissions) if (!isPermission(p)) problems.push(`unknown permission ${p}`);
  const scope = change.scope ?? { ...before.scope };
  for (const [resource, value] of Object.entries(scope)) {
    if (!isOwnedObject(resource)) problems.push(`no record scope exists for ${resource}`);
    if (!scopes.includes(value as RecordScope)) problems.push(`scope of ${resource} must be own, team or all`);
  }
  // Field rules are replaced per object: an object the change does not name keeps its rules.
  const fields = { ...(before.fields as Record<string, Record<string, string>>), ...(change.fields ?? {}) };
  for (const [object, rules] of Object.entries(fields)) {
    const catalogue = (fieldCatalogue as Record<string, Record<string, Parameters<typeof isProtected>[0]>>)[object];
    if (!(fieldRuleObjects as readonly string[]).includes(object) || !catalogue) {
      problems.push(`no field rules exist for ${object}`);
      continue;
    }
    for (const [field, access] of Object.entries(rules)) {
      const spec = catalogue[field];
      if (!spec || !isProtected(spec)) problems.push(`${object}.${field} is not a personal field`);
      if (!accesses.includes(access as FieldAccess)) problems.push(`${object}.${field} must be hidden, masked or readable`);
    }
  }
  problems.push(...permissionProblems(permissions, 'a role'));
  const role: RoleDefinition = {
    key,
    administrator: before.administrator,
    permissions: [...new Set(permissions)] as Permission[],
    scope: scope as RoleDefinition['scope'],
    fields: fields as RoleDefinition['fields'],
  };
  return { role, problems };
}

export const isKnownRole = (key: string): key is RoleKey => (roleKeys as readonly string[]).includes(key);
