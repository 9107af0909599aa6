import { crudPermissions } from '../permissions.js';
import type { DomainGrants } from '../roles.js';

/**
 * Marketing: the marketing team runs its campaigns and builds their audiences from the whole consent
 * ledger (read, every team's entries: a withdrawal recorded anywhere must count); the service desk
 * records consents given or withdrawn on a call (and reads its team's entries); the privacy officer reads the ledger and the campaigns,
 * publishes privacy notice versions and resolves GPC conflicts (recording the outcome in the ledger).
 */
export const marketingGrants: DomainGrants = {
  marketing: {
    permissions: [...crudPermissions('campaigns'), 'campaigns.audience', 'campaigns.export', 'consents.read', 'privacy_notices.read'],
    scope: { campaigns: 'team', consents: 'all' },
    fields: { consents: { evidence: 'masked' } },
  },
  service_agent: {
    // A GPC signal relayed with a consent it records may surface a conflict: the desk files it, the privacy officer resolves it.
    permissions: ['consents.read', 'consents.create', 'privacy_notices.read', 'gpc_conflicts.read', 'gpc_conflicts.create'],
    scope: { consents: 'team', gpc_conflicts: 'team' },
    fields: { consents: { evidence: 'readable' } },
  },
  privacy_officer: {
    permissions: [
      'consents.read',
      'consents.create',
      'campaigns.read',
      'privacy_notices.read',
      'privacy_notices.create',
      'gpc_conflicts.read',
      'gpc_conflicts.create',
      'gpc_conflicts.update',
      'gpc_conflicts.resolve',
    ],
    scope: { consents: 'all', campaigns: 'all', gpc_conflicts: 'all' },
    fields: { consents: { evidence: 'readable' } },
  },
};
