import { isRoleKey, type RoleDefinition, type RoleKey } from '@castellan/shared';
import type { RoleMatrix } from '../../../platform/authz/role-matrix.js';
import { assignmentProblems, dutiesOf, permissionProblems } from '../../../platform/authz/separation-of-duties.js';
import { type CheckOutcome, failing, passing } from '../compliance-check.js';
import type { ComplianceState } from '../compliance-state.js';

/**
 * 等保 三员分立 over the live role matrix and every active user's roles together: no role and no user
 * combines two administrator duties, or an administrator duty with personal data (the first
 * administrator's system + security pair excepted while it lasts, as the assignment rule allows).
 */
export function separationOfDuties(state: Pick<ComplianceState, 'accounts' | 'roles' | 'bootstrapUserId'>): CheckOutcome {
  const matrix = Object.fromEntries(
    state.roles
      .filter((r) => isRoleKey(r.key))
      .map((r) => [r.key, { key: r.key, administrator: r.administrator, permissions: r.permissions, scope: {}, fields: {} }]),
  ) as unknown as RoleMatrix;
  const badRoles = state.roles.filter((r) => permissionProblems(r.permissions, `role ${r.key}`).length > 0).map((r) => r.key);
  const badUsers: string[] = [];
  const combinations = new Set<string>();
  for (const account of state.accounts) {
    if (account.status !== 'active') continue;
    const roles = account.roles.filter(isRoleKey) as RoleKey[];
    const problems = assignmentProblems(roles, matrix, { bootstrapPair: account.id === state.bootstrapUserId });
    if (problems.length === 0) continue;
    badUsers.push(account.id);
    combinations.add([...roles].sort().join('+'));
  }
  const administrators = state.accounts.filter(
    (a) => a.status === 'active' && dutiesOf(a.roles.flatMap((r) => (matrix[r as RoleKey] as RoleDefinition | undefined)?.permissions ?? [])).length > 0,
  ).length;
  const evidence = {
    rolesChecked: state.roles.length,
    accountsWithDuties: administrators,
    rolesBreakingSeparation: badRoles.sort(),
    usersBreakingSeparation: badUsers.sort(),
    roleCombinations: [...combinations].sort(),
  };
  return badRoles.length === 0 && badUsers.length === 0
    ? passing('no role and no user combines administrator duties, or a duty with personal data', evidence)
    : failing(`${badRoles.length} role(s) and ${badUsers.length} user(s) break the separation of administrator duties`, evidence);
}
