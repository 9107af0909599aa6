import type { FastifyInstance } from 'fastify';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';

/** Billing accounts (账户): who pays, under a customer (a contact), whose key seals the billing address. */
export function billingAccountRoutes(app: FastifyInstance, store: ProtectedStore): void {
  recordRoutes(app, store, 'billing_accounts', { tag: 'subscribers' });
}
