import { randomBytes } from 'node:crypto';
import { createdId } from './calls.js';
import type { Sample, SampleMaker } from './types.js';

/**
 * Service and marketing: a case about a contact and an activity about the case (service desk), a
 * consent entry (service desk) and a campaign (marketing), each holding its own secrets.
 */
export const serviceSamples: SampleMaker = async ({ as }) => {
  const seller = ['sales_manager'];
  const desk = ['service_agent'];
  const marketing = ['marketing'];
  const tag = randomBytes(3).toString('hex');
  const contact = await createdId(as(seller), '/api/v1/contacts', { name: `Oriel Fenwick ${tag}`, phone: '+86 137 2211 3344' });
  const description = `Set-top box reboots every night ${tag}`;
  const caseId = await createdId(as(desk), '/api/v1/cases', { contactId: contact, category: 'fault', priority: 'p2', channel: 'phone', description });
  const subject = `Called about the reboots ${tag}`;
  const body = `Engineer to visit Flat 12B ${tag}`;
  const activity = await createdId(as(desk), '/api/v1/activities', { kind: 'call', aboutObject: 'cases', aboutId: caseId, subject, body });
  const evidence = `Paper form signed at the counter ${tag}`;
  const consent = await createdId(as(desk), '/api/v1/consents', {
    contactId: contact,
    purpose: 'newsletter',
    channel: 'email',
    status: 'granted',
    source: 'paper',
    evidence,
  });
  const campaign = await createdId(as(marketing), '/api/v1/campaigns', { name: `Sample newsletter ${tag}`, purpose: 'newsletter', channel: 'email' });
  // The privacy officer publishes a notice; a consent recorded with a GPC signal after a paper opt-in files a GPC conflict.
  const privacy = ['privacy_officer'];
  const notice = await createdId(as(privacy), '/api/v1/privacy-notices', {
    purpose: 'marketing',
    titleZh: `营销说明 ${tag}`,
    titleEn: `Marketing ${tag}`,
    textZh: '营销',
    textEn: 'Marketing',
  });
  await createdId(as(desk), '/api/v1/consents', {
    contactId: contact,
    purpose: 'sale_share',
    channel: 'any',
    status: 'granted',
    source: 'paper',
    at: '2026-01-01T00:00:00Z',
  });
  const signalled = await as(desk)(
    'POST',
    '/api/v1/consents',
    { contactId: contact, purpose: 'newsletter', channel: 'sms', status: 'granted', source: 'call' },
    { 'sec-gpc': '1' },
  );
  if (signalled.statusCode !== 201) throw new Error(`a consent with a GPC signal: ${signalled.statusCode} ${signalled.body}`);
  const conflicts = await as(desk)('GET', `/api/v1/gpc-conflicts?contactId=${contact}`);
  const conflict = String(conflicts.json().items[0]?.id);
  const samples: Sample[] = [
    { object: 'privacy_notices', id: notice, by: privacy },
    { object: 'gpc_conflicts', id: conflict, by: desk, patch: { status: 'open' } },
    { object: 'cases', id: caseId, by: desk, patch: { priority: 'p3' }, secrets: [description] },
    { object: 'activities', id: activity, by: desk, patch: { body: 'changed' }, secrets: [subject, body] },
    { object: 'consents', id: consent, by: desk, patch: { source: 'call' }, secrets: [evidence] },
    { object: 'campaigns', id: campaign, by: marketing, patch: { name: 'Renamed' } },
  ];
  return samples;
};
