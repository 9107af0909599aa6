import type { DomainGrants } from '../roles.js';

/**
 * Custom fields: the system administrator defines them (the catalogue grows at run time). Reading the
 * definitions needs only the read permission of their object; saved views belong to their user.
 */
export const customFieldGrants: DomainGrants = {
  system_admin: { permissions: ['custom_fields.manage'] },
};
