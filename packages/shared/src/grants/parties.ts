import { crudPermissions } from '../permissions.js';
import type { DomainGrants } from '../roles.js';

/**
 * Parties beyond contacts and accounts (which the base roles hold): agency ↔ advertiser links and
 * brands are the sellers' work (team scope, like accounts); households (service addresses) are the
 * subscriber desk's, which also opens customers (contacts.create). The privacy officer reads all, the
 * address masked.
 */
export const partiesGrants: DomainGrants = {
  sales_manager: {
    permissions: [...crudPermissions('agency_links'), ...crudPermissions('brands')],
    scope: { agency_links: 'team', brands: 'team' },
  },
  sales_rep: {
    permissions: ['agency_links.read', 'agency_links.create', 'agency_links.update', 'brands.read', 'brands.create', 'brands.update'],
    scope: { agency_links: 'team', brands: 'team' },
  },
  licensing_manager: { permissions: ['brands.read'], scope: { brands: 'all' } },
  service_agent: {
    permissions: ['contacts.create', ...crudPermissions('households')],
    scope: { households: 'team' },
    fields: { households: { address: 'readable' } },
  },
  privacy_officer: {
    permissions: ['agency_links.read', 'brands.read', 'households.read'],
    scope: { agency_links: 'all', brands: 'all', households: 'all' },
    fields: { households: { address: 'masked' } },
  },
};
