import type { FastifyInstance } from 'fastify';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { airtimeRoutes } from './airtime.routes.js';
import { bookingRoutes } from './booking.routes.js';
import { channelRoutes } from './channel.routes.js';
import { contractRoutes } from './contract.routes.js';
import { dashboardRoutes } from './dashboard.routes.js';
import { dealRoutes } from './deal.routes.js';

/** Every ad-sales route (docs/domains/ad-sales.md), with the objects' business rules. */
export function adSalesRoutes(app: FastifyInstance, store: ProtectedStore): void {
  channelRoutes(app, store);
  airtimeRoutes(app, store);
  dealRoutes(app, store);
  bookingRoutes(app, store);
  contractRoutes(app, store);
  dashboardRoutes(app, store);
}
