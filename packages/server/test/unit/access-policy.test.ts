import type { RoleKey } from '@castellan/shared';
import { describe, expect, it } from 'vitest';
import { can, fieldAccess, inScope, recordScope } from '../../src/platform/authz/access-policy.js';
import { tokenActor, userActor } from '../../src/platform/authz/actor.js';
import { asSystem } from '../../src/platform/data/as-system.js';

const user = (roles: RoleKey[], teamId: string | null = 'team-a') => userActor({ id: 'me', teamId }, roles);
const mine = { ownerId: 'me', teamId: 'team-a' };
const teammates = { ownerId: 'other', teamId: 'team-a' };
const otherTeam = { ownerId: 'other', teamId: 'team-b' };

describe('access policy', () => {
  it.each([
    ['sales_rep', mine, true],
    ['sales_rep', teammates, false],
    ['sales_rep', otherTeam, false],
    ['sales_manager', teammates, true],
    ['sales_manager', otherTeam, false],
    ['service_agent', otherTeam, true],
    ['system_admin', mine, false],
    ['audit_admin', mine, false],
  ] as const)('%s sees contact %o: %s', (role, record, expected) => {
    expect(inScope(user([role]), 'contacts', record)).toBe(expected);
  });

  it('takes the widest scope and the most permissive field rule across roles', () => {
    const both = user(['sales_rep', 'sales_manager']);
    expect(recordScope(both, 'contacts')).toBe('team');
    expect(fieldAccess(both, 'contacts', 'idNumber')).toBe('masked');
    expect(fieldAccess(user(['sales_rep']), 'contacts', 'idNumber')).toBe('hidden');
  });

  it('degrades a team scope to own records for a user without a team', () => {
    expect(recordScope(user(['sales_manager'], null), 'contacts')).toBe('own');
  });

  it.each([
    ['service_agent', 'phone', 'masked'],
    ['service_agent', 'idNumber', 'masked'],
    ['sales_manager', 'phone', 'readable'],
    ['marketing', 'email', 'hidden'],
    ['system_admin', 'name', 'hidden'],
    ['sales_rep', 'ownerId', 'readable'],
  ] as const)('%s reads contacts.%s as %s', (role, field, expected) => {
    expect(fieldAccess(user([role]), 'contacts', field)).toBe(expected);
  });

  it('narrows a token to its scopes and never beyond what its user holds', () => {
    const token = tokenActor({ id: 'me', teamId: 'team-a' }, ['sales_rep'], 't1', ['contacts.read', 'keys.manage']);
    expect(can(token, 'contacts.read')).toBe(true);
    expect(can(token, 'contacts.create')).toBe(false);
    expect(can(token, 'keys.manage')).toBe(false);
  });

  it('lets the named system actor through, and needs a reason for it', () => {
    expect(can(asSystem('test job'), 'keys.manage')).toBe(true);
    expect(() => asSystem(' ')).toThrow();
  });
});
