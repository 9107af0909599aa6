import { crudPermissions } from '../permissions.js';
import type { DomainGrants } from '../roles.js';

/**
 * Service: the service desk works its team's case queue and logs activities on them; sellers log
 * calls, meetings, notes and tasks on the records they work on (their own activities, the managers'
 * team's). Activity and case texts are readable to the roles that write them; nobody else sees them.
 */
const activityText = { subject: 'readable', body: 'readable' } as const;

export const serviceGrants: DomainGrants = {
  service_agent: {
    permissions: [...crudPermissions('cases'), 'cases.escalate', ...crudPermissions('activities')],
    scope: { cases: 'team', activities: 'team' },
    fields: { cases: { description: 'readable', resolution: 'readable' }, activities: activityText },
  },
  sales_manager: {
    permissions: [...crudPermissions('activities')],
    scope: { activities: 'team' },
    fields: { activities: activityText },
  },
  sales_rep: {
    permissions: [...crudPermissions('activities')],
    scope: { activities: 'own' },
    fields: { activities: activityText },
  },
};
