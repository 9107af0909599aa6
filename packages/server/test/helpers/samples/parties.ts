import type { Sample, SampleMaker } from './types.js';

/**
 * Parties: an advertiser with a valid USCC and its parent group, an agency and its link, a brand; a
 * guardian and a child under 14; a household. Needs an owner holding sales_manager (accounts, links,
 * brands) and service_agent (households, contacts.create).
 */
export const partiesSamples: SampleMaker = async ({ owner }) => {
  const made = async (url: string, payload: object): Promise<string> => {
    const res = await owner('POST', url, payload);
    if (res.statusCode !== 201) throw new Error(`POST ${url} answered ${res.statusCode}: ${res.body}`);
    return String(res.json().id);
  };
  const group = await made('/api/v1/accounts', { name: 'Sample Group 集团', kind: 'group' });
  const advertiser = await made('/api/v1/accounts', {
    name: 'Sample Advertiser',
    kind: 'advertiser',
    uscc: '91110108551385082Q',
    parentId: group,
    creditLimit: 100_000_00,
  });
  const agency = await made('/api/v1/accounts', { name: 'Sample Agency', kind: 'agency' });
  const link = await made('/api/v1/agency-links', { agencyId: agency, advertiserId: advertiser, validFrom: '2026-01-01', validTo: '2026-12-31' });
  const brand = await made('/api/v1/brands', { name: 'Sample Brand', advertiserId: advertiser });
  const guardianSecrets = ['欧阳监护', 'guardian.sample@example.com'];
  const guardian = await made('/api/v1/contacts', { name: guardianSecrets[0], email: guardianSecrets[1], birthDate: '1980-05-06' });
  const childSecrets = ['欧阳小童', '2020-07-08'];
  const child = await made('/api/v1/contacts', { name: childSecrets[0], birthDate: childSecrets[1], guardianId: guardian });
  const address = '广州市天河区体育西路 77 号样本小区';
  const household = await made('/api/v1/households', { headContactId: guardian, address });
  const samples: Sample[] = [
    { object: 'accounts', id: advertiser },
    { object: 'agency_links', id: link },
    { object: 'brands', id: brand },
    { object: 'contacts', id: guardian, secrets: guardianSecrets },
    { object: 'contacts', id: child, secrets: childSecrets },
    { object: 'households', id: household, secrets: [address] },
  ];
  return samples;
};
