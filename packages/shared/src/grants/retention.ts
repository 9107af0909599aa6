import type { DomainGrants } from '../roles.js';

/**
 * Retention: the privacy officer defines the rules and runs the purge; the audit administrator reads
 * the rules, the runs and their signed certificates (read-only, 三员分立), and changes nothing.
 */
export const retentionGrants: DomainGrants = {
  privacy_officer: { permissions: ['retention.read', 'retention.manage'] },
  audit_admin: { permissions: ['retention.read'] },
};
