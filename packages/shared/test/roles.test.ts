import { describe, expect, it } from 'vitest';
import { fieldCatalogue, isProtected } from '../src/field-catalogue.js';
import { defaultRoles, roleKeys } from '../src/roles.js';

describe('default roles', () => {
  it('keep the three administrator duties apart (等保 三员分立)', () => {
    const duties = { system: 'users.manage', security: 'keys.manage', audit: 'audit.read' } as const;
    for (const role of roleKeys) {
      const held = Object.values(duties).filter((p) => (defaultRoles[role].permissions as readonly string[]).includes(p));
      expect(held.length, role).toBeLessThanOrEqual(1);
    }
  });

  it('give administrators no access to personal data', () => {
    for (const role of roleKeys.filter((r) => defaultRoles[r].administrator)) {
      expect(
        defaultRoles[role].permissions.some((p) => p.startsWith('contacts.')),
        role,
      ).toBe(false);
      expect(defaultRoles[role].fields).toEqual({});
    }
  });

  it('only name catalogue fields that are personal in their field rules', () => {
    for (const role of roleKeys) {
      for (const field of Object.keys(defaultRoles[role].fields.contacts ?? {})) {
        const spec = (fieldCatalogue.contacts as Record<string, { classification: string }>)[field];
        expect(spec, `${role}.${field}`).toBeDefined();
        expect(isProtected(spec as never), `${role}.${field}`).toBe(true);
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
