import type { DomainGrants } from '../roles.js';
import { adSalesGrants } from './ad-sales.js';
import { backupGrants } from './backups.js';
import { customFieldGrants } from './custom-fields.js';
import { incidentGrants } from './incidents.js';
import { licensingGrants } from './licensing.js';
import { marketingGrants } from './marketing.js';
import { partiesGrants } from './parties.js';
import { privacyGrants } from './privacy.js';
import { recordsGrants } from './records.js';
import { retentionGrants } from './retention.js';
import { serviceGrants } from './service.js';
import { subscribersGrants } from './subscribers.js';

/**
 * Each business domain's additions to the default roles, one file per domain (`grants/<domain>.ts`),
 * listed here. Separation of duties is checked on the merged roles by packages/shared/test/roles.test.ts.
 */
export const domainGrants: readonly DomainGrants[] = [
  adSalesGrants,
  partiesGrants,
  subscribersGrants,
  licensingGrants,
  customFieldGrants,
  serviceGrants,
  marketingGrants,
  incidentGrants,
  privacyGrants,
  recordsGrants,
  retentionGrants,
  backupGrants,
];
