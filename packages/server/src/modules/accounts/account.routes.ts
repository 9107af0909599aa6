import type { FastifyInstance } from 'fastify';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';

/**
 * Accounts: advertisers, agencies, brands, licensees, licensors, operators, partners, group customers,
 * with their hierarchy (parentId, no cycles); agency ↔ advertiser links with validity dates; the brands
 * of advertisers. Declared in the field catalogue, served by the generic five routes each.
 */
export function accountRoutes(app: FastifyInstance, store: ProtectedStore): void {
  recordRoutes(app, store, 'accounts');
  recordRoutes(app, store, 'agency_links', { tag: 'accounts' });
  recordRoutes(app, store, 'brands', { tag: 'accounts' });
}
