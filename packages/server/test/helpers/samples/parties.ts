import { randomBytes } from 'node:crypto';
import { createdId } from './calls.js';
import type { Sample, SampleMaker } from './types.js';

/**
 * Parties: an advertiser with a valid USCC under a group account, an agency and its link, a brand
 * (by a sales manager); a guardian, a child under 14 and their household (by the subscriber desk,
 * which keeps households). Contacts and accounts alone are the core maker's.
 */
export const partiesSamples: SampleMaker = async ({ as }) => {
  const seller = ['sales_manager'];
  const desk = ['service_agent'];
  const tag = randomBytes(3).toString('hex');
  const made = (roles: readonly string[], url: string, payload: object) => createdId(as(roles), url, payload);
  const group = await made(seller, '/api/v1/accounts', { name: `Sample Group ${tag}`, kind: 'group' });
  const advertiser = await made(seller, '/api/v1/accounts', { name: `Sample Advertiser ${tag}`, kind: 'advertiser', parentId: group, creditLimit: 10_000_000 });
  const agency = await made(seller, '/api/v1/accounts', { name: `Sample Agency ${tag}`, kind: 'agency' });
  const link = await made(seller, '/api/v1/agency-links', { agencyId: agency, advertiserId: advertiser, validFrom: '2026-01-01', validTo: '2026-12-31' });
  const brand = await made(seller, '/api/v1/brands', { name: `Sample Brand ${tag}`, advertiserId: advertiser });
  const guardian = { name: `Quennell Ardwright ${tag}`, email: `quennell.${tag}@sample-mail.example`, birthDate: '1980-05-06' };
  const guardianId = await made(desk, '/api/v1/contacts', guardian);
  const child = { name: `Pippin Ardwright ${tag}`, birthDate: '2020-07-08' };
  const childId = await made(desk, '/api/v1/contacts', { ...child, guardianId });
  const address = `Ardwright Lane ${tag} 77, Tianhe`;
  const household = await made(desk, '/api/v1/households', { headContactId: guardianId, address });
  const samples: Sample[] = [
    { object: 'accounts', id: advertiser, by: seller, patch: { creditLimit: 20_000_000 } },
    { object: 'agency_links', id: link, by: seller, patch: { validTo: '2026-11-30' } },
    { object: 'brands', id: brand, by: seller, patch: { name: `Renamed brand ${tag}` } },
    { object: 'contacts', id: childId, by: seller, patch: { jobTitle: 'Pupil' }, secrets: [child.name] },
    { object: 'contacts', id: guardianId, by: seller, patch: { jobTitle: 'Parent' }, secrets: [guardian.name, guardian.email] },
    { object: 'households', id: household, by: desk, patch: { address: `Moved Lane ${tag} 9` }, secrets: [address] },
  ];
  return samples;
};
