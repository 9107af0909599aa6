import { crudPermissions } from '../permissions.js';
import type { DomainGrants } from '../roles.js';

/**
 * Subscribers: the subscriber desk (service_agent) works billing accounts, subscriptions and devices
 * of its team, runs the lifecycle actions (which write the history: read and create, no route
 * changes or deletes a history entry) and sees the billing address, device identifiers and reasons
 * it needs. The privacy officer reads all of it, personal values masked. Sellers have no access.
 */
export const subscribersGrants: DomainGrants = {
  service_agent: {
    permissions: [
      ...crudPermissions('billing_accounts'),
      ...crudPermissions('subscriptions'),
      'subscriptions.lifecycle',
      ...crudPermissions('devices'),
      'subscription_history.read',
      'subscription_history.create',
    ],
    scope: { billing_accounts: 'team', subscriptions: 'team', devices: 'team', subscription_history: 'team' },
    fields: {
      billing_accounts: { billingAddress: 'readable' },
      devices: { serialNumber: 'readable', caNumber: 'readable', macAddress: 'readable' },
      subscription_history: { reason: 'readable' },
    },
  },
  privacy_officer: {
    permissions: ['billing_accounts.read', 'subscriptions.read', 'devices.read', 'subscription_history.read'],
    scope: { billing_accounts: 'all', subscriptions: 'all', devices: 'all', subscription_history: 'all' },
    fields: {
      billing_accounts: { billingAddress: 'masked' },
      devices: { serialNumber: 'masked', caNumber: 'masked', macAddress: 'masked' },
      subscription_history: { reason: 'masked' },
    },
  },
};
