import { isPersonalDataPermission } from '@castellan/shared';
import { type CheckOutcome, failing, passing } from '../compliance-check.js';
import type { ComplianceState } from '../compliance-state.js';

/** Every active user holding a role that reads personal data, or an administrator role, has a second factor. */
export function mfaCoverage(state: Pick<ComplianceState, 'accounts' | 'roles'>): CheckOutcome {
  const needsMfa = new Set(state.roles.filter((r) => r.administrator || r.permissions.some(isPersonalDataPermission)).map((r) => r.key));
  const covered = state.accounts.filter((a) => a.status === 'active' && a.roles.some((r) => needsMfa.has(r)));
  const without = covered.filter((a) => !a.hasSecondFactor).map((a) => a.id);
  const evidence = { rolesRequiringMfa: [...needsMfa].sort(), accountsRequiringMfa: covered.length, accountsWithoutMfa: without.length, userIds: without };
  return without.length === 0
    ? passing('every active account holding a personal-data or administrator role has a second factor', evidence)
    : failing(`${without.length} active account(s) holding a personal-data or administrator role have no second factor`, evidence);
}
