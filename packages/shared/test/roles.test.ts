import { describe, expect, it } from 'vitest';
import { fieldCatalogue, isProtected } from '../src/field-catalogue.js';
import { permissions } from '../src/permissions.js';
import { fieldRuleObjects, isPersonalDataPermission, personalDataObjects, personalDataPermissions } from '../src/personal-data.js';
import { defaultRoles, roleKeys } from '../src/roles.js';

describe('default roles', () => {
  it('keep the three administrator duties apart (等保 三员分立)', () => {
    const duties = { system: 'users.manage', security: 'keys.manage', audit: 'audit.read' } as const;
    for (const role of roleKeys) {
      const held = Object.values(duties).filter((p) => (defaultRoles[role].permissions as readonly string[]).includes(p));
      expect(held.length, role).toBeLessThanOrEqual(1);
    }
  });

  it("give administrators no access to customers' personal data", () => {
    for (const role of roleKeys.filter((r) => defaultRoles[r].administrator)) {
      expect(defaultRoles[role].permissions.some(isPersonalDataPermission), role).toBe(false);
      expect(defaultRoles[role].fields.contacts, role).toBeUndefined();
      expect(Object.keys(defaultRoles[role].fields), role).toEqual(['users']);
    }
  });

  it('show staff e-mail and names to the system and security administrators, masked to the audit administrator, to nobody else', () => {
    expect(defaultRoles.system_admin.fields.users).toEqual({ email: 'readable', name: 'readable' });
    expect(defaultRoles.security_admin.fields.users).toEqual({ email: 'readable', name: 'readable' });
    expect(defaultRoles.audit_admin.fields.users).toEqual({ email: 'masked', name: 'masked' });
    for (const role of roleKeys.filter((r) => !defaultRoles[r].administrator)) expect(defaultRoles[role].fields.users, role).toBeUndefined();
  });

  it('only name catalogue fields that are personal in their field rules', () => {
    for (const role of roleKeys) {
      for (const [object, rules] of Object.entries(defaultRoles[role].fields)) {
        for (const field of Object.keys(rules ?? {})) {
          const spec = (fieldCatalogue as Record<string, Record<string, { classification: string }>>)[object]?.[field];
          expect(spec, `${role}.${object}.${field}`).toBeDefined();
          expect(isProtected(spec as never), `${role}.${object}.${field}`).toBe(true);
        }
      }
    }
  });

  it('classify every sensitive field with a PI category and every encrypted field with a mask', () => {
    for (const [object, fields] of Object.entries(fieldCatalogue)) {
      for (const [name, spec] of Object.entries(fields)) {
        if (isProtected(spec)) expect('mask' in spec && spec.mask, `${object}.${name}`).toBeTruthy();
        if (spec.classification === 'sensitive') expect(spec.piCategory, `${object}.${name}`).not.toBe('none');
      }
    }
  });
});

describe('personal-data permissions, derived from the field catalogue', () => {
  it('are every permission on an object with personal fields other than the staff directory (today contacts.*)', () => {
    expect(fieldRuleObjects).toEqual(['contacts', 'users']);
    expect(personalDataObjects).toEqual(['contacts']);
    expect([...personalDataPermissions].sort()).toEqual(permissions.filter((p) => p.startsWith('contacts.')).sort());
    for (const p of ['accounts.read', 'users.read', 'users.manage', 'audit.read', 'roles.assign']) expect(isPersonalDataPermission(p), p).toBe(false);
  });
});

describe('docs/ROLES.md', () => {
  it('names every permission of every default role in its row', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../../docs/ROLES.md', import.meta.url), 'utf8');
    for (const role of Object.values(defaultRoles)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${role.key}\``));
      expect(row, role.key).toBeDefined();
      const listed = (row?.split('|')[2] ?? '').split(',').map((p) => p.trim());
      expect(listed.sort(), role.key).toEqual([...role.permissions].sort());
    }
  });
});
