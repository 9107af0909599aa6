import { crudPermissions } from '../permissions.js';
import type { DomainGrants } from '../roles.js';

/** Ad sales: the sales manager keeps the channel list; every seller reads it. */
export const adSalesGrants: DomainGrants = {
  sales_manager: { permissions: [...crudPermissions('channels')] },
  sales_rep: { permissions: ['channels.read'] },
};
