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
  const samples: Sample[] = [
    { object: 'cases', id: caseId, by: desk, patch: { priority: 'p3' }, secrets: [description] },
    { object: 'activities', id: activity, by: desk, patch: { body: 'changed' }, secrets: [subject, body] },
    { object: 'consents', id: consent, by: desk, patch: { source: 'call' }, secrets: [evidence] },
    { object: 'campaigns', id: campaign, by: marketing, patch: { name: 'Renamed' } },
  ];
  return samples;
};
