import { randomBytes } from 'node:crypto';
import { createdId } from './calls.js';
import type { Sample, SampleMaker } from './types.js';

/**
 * Privacy: a data-subject request entered by the privacy officer, with the requester's name, e-mail
 * and text as secrets. Privacy officers see every request whatever their team (no request may be
 * hidden from the privacy function); no role can change or delete one through a generic route.
 */
export const privacySamples: SampleMaker = async ({ as }) => {
  const officer = ['privacy_officer'];
  const tag = randomBytes(3).toString('hex');
  const requesterEmail = `requester.${tag}@example.com`;
  const requesterName = `Quentin Asker ${tag}`;
  const details = `Send me every record you hold ${tag}`;
  const id = await createdId(as(officer), '/api/v1/privacy-requests', { kind: 'access', law: 'gdpr', requesterEmail, requesterName, details });
  const samples: Sample[] = [
    {
      object: 'privacy_requests',
      id,
      by: officer,
      patch: { law: 'ccpa' },
      secrets: [requesterEmail, requesterName, details],
      seenByEveryTeam: 'privacy officers work every data-subject request, whatever their team',
    },
  ];
  return samples;
};
