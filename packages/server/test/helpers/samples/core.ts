import { randomBytes } from 'node:crypto';
import { createdId } from './calls.js';
import type { Sample, SampleMaker } from './types.js';

/** Contacts, accounts and channels: the objects that came before the domains. */
export const coreSamples: SampleMaker = async ({ as }) => {
  const seller = ['sales_manager'];
  const call = as(seller);
  const tag = randomBytes(3).toString('hex');
  const account = await createdId(call, '/api/v1/accounts', { name: `Sample Media ${tag}`, kind: 'advertiser', country: 'CN' });
  const person = { name: `Quillon Marwick ${tag}`, email: `quillon.${tag}@sample-mail.example`, phone: '+86 139 4455 6677', idNumber: '11010119800101001X' };
  const contact = await createdId(call, '/api/v1/contacts', { ...person, accountId: account });
  const channel = await createdId(call, '/api/v1/channels', { code: `S-${tag}`, name: `Sample channel ${tag}`, kind: 'tv' });
  const samples: Sample[] = [
    { object: 'accounts', id: account, by: seller, patch: { industry: 'Broadcast' } },
    { object: 'contacts', id: contact, by: seller, patch: { jobTitle: 'Producer' }, secrets: [person.name, person.email, person.idNumber] },
    { object: 'channels', id: channel, by: seller },
  ];
  return samples;
};
