import { crudPermissions } from '../permissions.js';
import type { DomainGrants } from '../roles.js';

/**
 * Marketing: the marketing team runs its campaigns and builds their audiences from the whole consent
 * ledger (read, every team's entries: a withdrawal recorded anywhere must count); the service desk
 * records consents given or withdrawn on a call (and reads its team's entries); the privacy officer reads the ledger and the campaigns.
 */
export const marketingGrants: DomainGrants = {
  marketing: {
    permissions: [...crudPermissions('campaigns'), 'campaigns.audience', 'campaigns.export', 'consents.read'],
    scope: { campaigns: 'team', consents: 'all' },
    fields: { consents: { evidence: 'masked' } },
  },
  service_agent: {
    permissions: ['consents.read', 'consents.create'],
    scope: { consents: 'team' },
    fields: { consents: { evidence: 'readable' } },
  },
  privacy_officer: {
    permissions: ['consents.read', 'campaigns.read'],
    scope: { consents: 'all', campaigns: 'all' },
    fields: { consents: { evidence: 'readable' } },
  },
};
