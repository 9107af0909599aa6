import { crudPermissions, type Permission } from '../permissions.js';
import type { DomainGrants } from '../roles.js';

const referenceData = ['channels', 'dayparts', 'breaks', 'rate_cards', 'deal_stages'] as const;
const readReferenceData: Permission[] = referenceData.map((object) => `${object}.read` as Permission);
const createReadUpdate = (object: 'deals' | 'bookings' | 'contracts'): Permission[] =>
  [`${object}.read`, `${object}.create`, `${object}.update`] as Permission[];

/**
 * Ad sales. The sales manager keeps the reference data (channels, dayparts, breaks, rate cards, deal
 * stages), runs the team's pipeline, confirms as-run and approves contracts; a sales rep works their
 * own deals, bookings and contracts and reads the reference data; the privacy officer reads deals
 * (notes masked) for data-subject requests.
 */
export const adSalesGrants: DomainGrants = {
  sales_manager: {
    permissions: [
      ...referenceData.flatMap((object) => crudPermissions(object)),
      ...crudPermissions('deals'),
      ...crudPermissions('bookings'),
      ...crudPermissions('contracts'),
      'bookings.confirm',
      'contracts.approve',
    ],
    scope: { deals: 'team', bookings: 'team', contracts: 'team' },
    fields: { deals: { notes: 'readable' } },
  },
  sales_rep: {
    permissions: [...readReferenceData, ...createReadUpdate('deals'), ...createReadUpdate('bookings'), ...createReadUpdate('contracts')],
    scope: { deals: 'own', bookings: 'own', contracts: 'own' },
    fields: { deals: { notes: 'readable' } },
  },
  privacy_officer: {
    permissions: ['deals.read'],
    scope: { deals: 'all' },
    fields: { deals: { notes: 'masked' } },
  },
};
