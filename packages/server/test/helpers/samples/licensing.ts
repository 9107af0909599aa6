import { randomBytes } from 'node:crypto';
import { createdId } from './calls.js';
import type { Sample, SampleMaker } from './types.js';

/** Licensing: a title (reference data), rights held in it, a licence out and one payment of its schedule. No personal values. */
export const licensingSamples: SampleMaker = async ({ as }) => {
  const by = ['licensing_manager'];
  const call = as(by);
  const tag = randomBytes(3).toString('hex');
  const licensor = await createdId(call, '/api/v1/accounts', { name: `Sample Pictures ${tag}`, kind: 'licensor', country: 'CN' });
  const licensee = await createdId(call, '/api/v1/accounts', { name: `Sample Stream ${tag}`, kind: 'licensee', country: 'HK' });
  const title = await createdId(call, '/api/v1/titles', { titleZh: `样片 ${tag}`, kind: 'film', producerAccountId: licensor });
  const window = { territories: 'GREATER-CHINA', media: 'svod', windowStart: '2030-01-01', windowEnd: '2030-12-31', exclusive: true };
  const rights = await createdId(call, '/api/v1/rights', { titleId: title, licensorAccountId: licensor, contractNumber: `RI-${tag}`, ...window });
  const licence = await createdId(call, '/api/v1/licenses', {
    titleId: title,
    licenseeAccountId: licensee,
    contractNumber: `LIC-${tag}`,
    ...window,
    territories: 'HK',
    feeFen: 100_000_00,
  });
  const payment = await createdId(call, '/api/v1/license-payments', {
    licenseId: licence,
    kind: 'minimum_guarantee',
    dueDate: '2030-01-31',
    amountFen: 30_000_00,
  });
  const samples: Sample[] = [
    { object: 'titles', id: title, by },
    { object: 'rights', id: rights, by, patch: { contractNumber: `RI-${tag}-2` } },
    { object: 'licenses', id: licence, by, patch: { runs: 3 } },
    { object: 'license_payments', id: payment, by, patch: { dueDate: '2030-02-28' } },
  ];
  return samples;
};
