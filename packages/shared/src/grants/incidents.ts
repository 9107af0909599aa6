import type { DomainGrants } from '../roles.js';

/**
 * The breach register: the privacy officer runs it whole; the security administrator records and
 * classifies incidents and their notifications (the CAC report is a security duty) but, holding an
 * administrator duty, never opens the sealed text or the list of affected subjects (等保 三员分立).
 */
export const incidentGrants: DomainGrants = {
  privacy_officer: { permissions: ['breaches.read', 'breaches.manage', 'breaches.personal'] },
  security_admin: { permissions: ['breaches.read', 'breaches.manage'] },
};
