import type { FastifyInstance } from 'fastify';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';

/**
 * Accounts: advertisers, agencies, brands, licensees, licensors, operators, partners, group customers.
 * The model of a store object's routes: declared in the field catalogue, served by the generic five.
 */
export function accountRoutes(app: FastifyInstance, store: ProtectedStore): void {
  recordRoutes(app, store, 'accounts');
}
