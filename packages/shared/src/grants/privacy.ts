import type { DomainGrants } from '../roles.js';

/**
 * Privacy: the privacy officer works every data-subject request (all of them, whoever is assigned):
 * reads the requester's identity and text in full to answer, assigns, verifies, extends, responds and
 * closes. No role may delete a request: its record is the evidence that it was answered.
 */
export const privacyGrants: DomainGrants = {
  privacy_officer: {
    permissions: [
      'privacy_requests.read',
      'privacy_requests.create',
      'privacy_requests.update',
      'privacy_requests.assign',
      'privacy_requests.verify',
      'privacy_requests.extend',
      'privacy_requests.respond',
      'privacy_requests.close',
    ],
    scope: { privacy_requests: 'all' },
    fields: {
      privacy_requests: { requesterName: 'readable', requesterEmail: 'readable', details: 'readable', extensionReason: 'readable', response: 'readable' },
    },
  },
};
