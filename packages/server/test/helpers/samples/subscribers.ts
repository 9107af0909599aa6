import type { Sample, SampleMaker } from './types.js';

/**
 * Subscribers: a customer, a billing account with a billing address, an activated subscription (so a
 * history entry with a reason exists), a device with serial, CA number and MAC. Needs an owner holding
 * service_agent.
 */
export const subscribersSamples: SampleMaker = async ({ owner }) => {
  const made = async (url: string, payload: object): Promise<string> => {
    const res = await owner('POST', url, payload);
    if (res.statusCode !== 201) throw new Error(`POST ${url} answered ${res.statusCode}: ${res.body}`);
    return String(res.json().id);
  };
  const customer = await made('/api/v1/contacts', { name: '慕容订户', phone: '13788990011' });
  const billingAddress = '武汉市洪山区珞喻路 1037 号样本楼';
  const account = await made('/api/v1/billing-accounts', { contactId: customer, accountNumber: `SAMPLE-${Date.now()}`, billingAddress });
  const subscription = await made('/api/v1/subscriptions', {
    billingAccountId: account,
    packageCode: 'BASIC-HD',
    packageKind: 'base',
    priceFen: 2600,
    startDate: '2026-01-01',
  });
  const reason = '样本开通原因 Quillfeather';
  const activated = await owner('POST', `/api/v1/subscriptions/${subscription}/activate`, { reason });
  if (activated.statusCode !== 200) throw new Error(`activate answered ${activated.statusCode}: ${activated.body}`);
  const history = await owner('GET', `/api/v1/subscriptions/${subscription}/history`);
  const entry = String(history.json().items[0].id);
  const device = { serialNumber: 'SAMPLESTB9876543210', caNumber: '8757001234567890', macAddress: 'A4:5E:60:C2:19:7B' };
  const deviceId = await made('/api/v1/devices', { subscriptionId: subscription, billingAccountId: account, kind: 'stb', ...device });
  const samples: Sample[] = [
    { object: 'contacts', id: customer, secrets: ['慕容订户', '13788990011'] },
    { object: 'billing_accounts', id: account, secrets: [billingAddress] },
    { object: 'subscriptions', id: subscription },
    { object: 'subscription_history', id: entry, secrets: [reason] },
    { object: 'devices', id: deviceId, secrets: Object.values(device) },
  ];
  return samples;
};
