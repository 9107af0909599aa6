import type { FastifyInstance } from 'fastify';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';

/**
 * The consent ledger: entries are recorded and read, never changed or deleted through the API (a
 * withdrawal is a new entry; correction and erasure belong to the privacy workflows).
 */
export function consentRoutes(app: FastifyInstance, store: ProtectedStore): void {
  recordRoutes(app, store, 'consents', { only: ['list', 'create', 'get'] });
}
