import { recordSchemas } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';

/**
 * Billing accounts (账户): who pays, under a customer (a contact), whose key seals the billing address.
 * The customer is set once: a change of customer is a transfer (过户) of the subscriptions.
 */
export function billingAccountRoutes(app: FastifyInstance, store: ProtectedStore): void {
  const schemas = recordSchemas('billing_accounts', { omit: { patch: ['contactId'] } });
  recordRoutes(app, store, 'billing_accounts', { tag: 'subscribers', schemas });
}
