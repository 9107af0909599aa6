import type { FastifyInstance } from 'fastify';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';

/**
 * Households (service addresses, 标准地址): the address is sealed under the head of household's key;
 * contacts name their household (householdId), subscriptions their service address.
 */
export function householdRoutes(app: FastifyInstance, store: ProtectedStore): void {
  recordRoutes(app, store, 'households', { tag: 'contacts' });
}
