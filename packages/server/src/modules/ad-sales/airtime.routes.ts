import type { FastifyInstance } from 'fastify';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { writableSchemas } from './writable-schemas.js';

/**
 * The airtime reference data, kept by sales managers and read by every seller: dayparts (时段),
 * breaks (广告位), the rate card (刊例价) and the pipeline's deal stages.
 */
export function airtimeRoutes(app: FastifyInstance, store: ProtectedStore): void {
  const tag = 'ad sales';
  recordRoutes(app, store, 'dayparts', { tag });
  recordRoutes(app, store, 'breaks', { tag });
  recordRoutes(app, store, 'rate_cards', { tag });
  recordRoutes(app, store, 'deal_stages', { tag, schemas: writableSchemas('deal_stages') });
}
