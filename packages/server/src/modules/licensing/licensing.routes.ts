import type { FastifyInstance } from 'fastify';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { availabilityRoutes } from './availability.routes.js';
import { licensingDashboardRoutes } from './licensing-dashboard.routes.js';
import { paymentRoutes } from './payment.routes.js';

/**
 * Licensing (版权发行): titles, rights held (rights in), licences sold (rights out) through the
 * generated record routes — their rules live in licensing.rules.ts — plus availability, payment
 * schedules and the dashboard.
 */
export function licensingRoutes(app: FastifyInstance, store: ProtectedStore): void {
  recordRoutes(app, store, 'titles', { tag: 'licensing' });
  recordRoutes(app, store, 'rights', { tag: 'licensing' });
  recordRoutes(app, store, 'licenses', { tag: 'licensing' });
  paymentRoutes(app, store);
  availabilityRoutes(app, store);
  licensingDashboardRoutes(app, store);
}
