import type { FastifyInstance } from 'fastify';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { writableSchemas } from './writable-schemas.js';

/**
 * Deals (media campaigns): advertiser, optional agency and contact person, stage, amount, flight.
 * The notes are staff-typed free text, so personal: sealed under the contact person's key, kept only
 * on a deal that names a contact (docs/domains/ad-sales.md).
 */
export function dealRoutes(app: FastifyInstance, store: ProtectedStore): void {
  recordRoutes(app, store, 'deals', { tag: 'ad sales', schemas: writableSchemas('deals') });
}
