import { randomBytes } from 'node:crypto';
import { createdId } from './calls.js';
import type { Sample, SampleMaker } from './types.js';

/**
 * Subscribers (by the subscriber desk, service_agent): a customer, a billing account with a billing
 * address, an activated subscription (so a history entry with a typed reason exists), a device with
 * serial, CA number and MAC.
 */
export const subscribersSamples: SampleMaker = async ({ as }) => {
  const desk = ['service_agent'];
  const call = as(desk);
  const tag = randomBytes(3).toString('hex');
  const made = (url: string, payload: object) => createdId(call, url, payload);
  const customer = await made('/api/v1/contacts', { name: `Ottoline Brackwater ${tag}`, phone: '+86 137 8899 0011' });
  const billingAddress = `Brackwater Road ${tag} 1037, Hongshan`;
  const account = await made('/api/v1/billing-accounts', { contactId: customer, accountNumber: `SAMPLE-${tag}`, billingAddress });
  const subscription = await made('/api/v1/subscriptions', {
    billingAccountId: account,
    packageCode: 'BASIC-HD',
    packageKind: 'base',
    priceFen: 2600,
    startDate: '2026-01-01',
  });
  const reason = `Brackwater installation visit ${tag}`;
  const activated = await call('POST', `/api/v1/subscriptions/${subscription}/activate`, { reason });
  if (activated.statusCode !== 200) throw new Error(`activate answered ${activated.statusCode}: ${activated.body}`);
  const entry = String((await call('GET', `/api/v1/subscriptions/${subscription}/history`)).json().items[0].id);
  const device = { serialNumber: `SMPLSTB${tag.toUpperCase()}9876543`, caNumber: `87570${parseInt(tag, 16)}`.padEnd(16, '7'), macAddress: 'A4:5E:60:C2:19:7B' };
  const deviceId = await made('/api/v1/devices', { subscriptionId: subscription, billingAccountId: account, kind: 'stb', ...device });
  const samples: Sample[] = [
    { object: 'billing_accounts', id: account, by: desk, patch: { status: 'suspended' }, secrets: [billingAddress] },
    { object: 'subscriptions', id: subscription, by: desk, patch: { priceFen: 2800 } },
    // Read-only: no route changes or deletes a history entry, so another team's PATCH and DELETE find nothing either.
    { object: 'subscription_history', id: entry, by: desk, patch: { detail: 'changed' }, secrets: [reason] },
    { object: 'devices', id: deviceId, by: desk, patch: { kind: 'cam' }, secrets: [device.serialNumber, device.caNumber, device.macAddress] },
  ];
  return samples;
};
