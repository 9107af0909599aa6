import { defaultRoles, type RoleKey } from '@castellan/shared';
import { describe, expect, it } from 'vitest';
import { applyRoleChange, type RoleMatrix } from '../../src/platform/authz/role-matrix.js';
import { assignmentProblems, dutiesOf, isProtectedAccount, permissionProblems } from '../../src/platform/authz/separation-of-duties.js';

const matrix: RoleMatrix = defaultRoles;
/** A matrix where `marketing` lost its permission on contacts: a role with neither duty nor personal data. */
const accountsOnly: RoleMatrix = { ...defaultRoles, marketing: { ...defaultRoles.marketing, permissions: ['accounts.read'] } };

describe('separation of duties across all the roles one user holds (等保 三员分立)', () => {
  it.each<[RoleKey[], boolean, RoleMatrix, boolean]>([
    // roles, first administrator while alone, matrix, acceptable
    [['system_admin'], false, matrix, true],
    [['security_admin'], false, matrix, true],
    [['audit_admin'], false, matrix, true],
    [['privacy_officer', 'sales_manager'], false, matrix, true],
    [['sales_rep', 'licensing_manager'], false, matrix, true],
    [[], false, matrix, true],
    [['system_admin', 'security_admin'], false, matrix, false],
    [['system_admin', 'security_admin'], true, matrix, true],
    [['system_admin', 'security_admin', 'audit_admin'], true, matrix, false],
    [['system_admin', 'security_admin', 'privacy_officer'], true, matrix, false],
    [['security_admin', 'audit_admin'], false, matrix, false],
    [['system_admin', 'audit_admin'], true, matrix, false],
    [['system_admin', 'privacy_officer'], false, matrix, false],
    [['security_admin', 'sales_rep'], false, matrix, false],
    [['audit_admin', 'marketing'], false, matrix, false],
    [['audit_admin', 'marketing'], false, accountsOnly, true],
    [['system_admin', 'marketing'], false, accountsOnly, true],
    [['audit_admin'], true, matrix, true],
  ])('%o (first administrator: %s) acceptable: %s', (roles, bootstrapPair, m, acceptable) => {
    expect(assignmentProblems(roles, m, { bootstrapPair }).length === 0).toBe(acceptable);
  });

  it('names the duties and the personal-data permissions it refuses', () => {
    expect(permissionProblems(['users.manage', 'audit.read'], 'one user')).toEqual([
      'one user may not combine the system and audit administrator duties (等保 三员分立)',
    ]);
    expect(permissionProblems(['keys.manage', 'contacts.read', 'accounts.read'], 'a role')).toEqual([
      'a role may not combine the security administrator duty with a permission on personal data (contacts.read; 等保 三员分立)',
    ]);
    expect(dutiesOf(['users.read', 'reviews.decide', 'accounts.read'])).toEqual([]);
    // The audit trail's sealed details (staff IP, user agent, reveal notes) stay on the audit side.
    expect(permissionProblems(['audit.read', 'audit.personal'], 'a role')).toEqual([]);
    expect(permissionProblems(['contacts.read', 'audit.personal'], 'a role')).toEqual([]);
    expect(permissionProblems(['roles.assign', 'audit.personal'], 'a role')).toEqual([
      'a role may not combine the security administrator duty with audit.personal (等保 三员分立)',
    ]);
    expect(permissionProblems(['users.manage', 'audit.personal'], 'one user')).toEqual([
      'one user may not combine the system administrator duty with audit.personal (等保 三员分立)',
    ]);
  });

  it.each<[RoleKey[], boolean]>([
    [[], false],
    [['marketing'], true],
    [['audit_admin'], true],
    [['system_admin'], true],
  ])('an account holding %o administers or reads personal data: %s', (roles, expected) => {
    expect(isProtectedAccount(roles, matrix)).toBe(expected);
  });

  it('an account with only a role that neither administers nor reads personal data is not protected', () => {
    expect(isProtectedAccount(['marketing'], accountsOnly)).toBe(false);
  });
});

describe('role edits', () => {
  it.each<[RoleKey, string[], boolean]>([
    ['audit_admin', ['audit.read', 'contacts.read'], false],
    ['system_admin', ['users.read', 'users.manage', 'contacts.export'], false],
    ['sales_manager', ['contacts.read', 'roles.assign'], false],
    ['audit_admin', ['audit.read', 'users.manage'], false],
    ['audit_admin', ['audit.read', 'users.read'], true],
    ['marketing', ['contacts.read', 'contacts.reveal', 'accounts.read'], true],
  ])('%s with permissions %o is acceptable: %s', (key, permissions, acceptable) => {
    expect(applyRoleChange(matrix, key, { permissions }).problems.length === 0).toBe(acceptable);
  });

  it('accept field rules for the staff directory and replace rules per object', () => {
    const { role, problems } = applyRoleChange(matrix, 'system_admin', { fields: { users: { email: 'masked', name: 'readable' } } });
    expect(problems).toEqual([]);
    expect(role.fields).toEqual({ users: { email: 'masked', name: 'readable' } });
    const rep = applyRoleChange(matrix, 'sales_rep', { fields: { users: { email: 'masked' } } });
    expect(rep.role.fields.contacts).toEqual(defaultRoles.sales_rep.fields.contacts);
    expect(applyRoleChange(matrix, 'sales_rep', { fields: { users: { teamId: 'readable' } } }).problems).toEqual(['users.teamId is not a personal field']);
    expect(applyRoleChange(matrix, 'sales_rep', { fields: { accounts: { name: 'readable' } } }).problems).toEqual(['no field rules exist for accounts']);
  });
});
