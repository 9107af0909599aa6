import type { FastifyInstance } from 'fastify';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { billingAccountRoutes } from './billing-account.routes.js';
import { churnRoutes } from './churn.routes.js';
import { deviceRoutes } from './device.routes.js';
import { subscriptionRoutes } from './subscription.routes.js';

/** The subscriber desk: billing accounts, subscriptions and their lifecycle, devices, the churn dashboard. */
export function subscriberRoutes(app: FastifyInstance, store: ProtectedStore): void {
  billingAccountRoutes(app, store);
  subscriptionRoutes(app, store);
  deviceRoutes(app, store);
  churnRoutes(app, store);
}
