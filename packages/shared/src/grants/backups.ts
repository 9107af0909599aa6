import type { DomainGrants } from '../roles.js';

/**
 * Backups: the system administrator (who runs the machine) takes backups and runs restore drills;
 * the security administrator and the auditor read the history and the drills' evidence. A backup is
 * sealed and holds field values still encrypted, so taking one reveals nothing to whoever takes it.
 */
export const backupGrants: DomainGrants = {
  system_admin: { permissions: ['backups.read', 'backups.manage'] },
  security_admin: { permissions: ['backups.read'] },
  auditor: { permissions: ['backups.read'] },
};
