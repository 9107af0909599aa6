import { crudPermissions } from '../permissions.js';
import type { DomainGrants } from '../roles.js';

/**
 * Licensing: the licensing manager keeps the titles, the rights held, the licences sold and their
 * payment schedules, and asks for availability. Rights-in and licences are the licensing team's
 * (team scope: fees and terms are trade secrets between distribution teams); availability and the
 * conflict checks still count every team's licences, naming only those the caller may see.
 * Sellers of airtime, service agents and marketing read the title list (programme sponsorship,
 * subscribers' questions, promotion), nothing about rights or money.
 */
export const licensingGrants: DomainGrants = {
  licensing_manager: {
    permissions: [
      ...crudPermissions('titles'),
      'titles.availability',
      ...crudPermissions('rights'),
      ...crudPermissions('licenses'),
      ...crudPermissions('license_payments'),
    ],
    scope: { rights: 'team', licenses: 'team', license_payments: 'team' },
  },
  sales_manager: { permissions: ['titles.read'] },
  sales_rep: { permissions: ['titles.read'] },
  service_agent: { permissions: ['titles.read'] },
  marketing: { permissions: ['titles.read'] },
};
