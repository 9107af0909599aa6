import type { Feature } from '../../app/feature';

/** The privacy officer's consent workspace: privacy notices (versions in both languages) and GPC conflicts to resolve. */
export const feature: Feature = {
  id: 'consent',
  routes: [
    { path: 'privacy/notices', lazy: async () => ({ Component: (await import('./NoticesPage')).NoticesPage }) },
    { path: 'privacy/gpc-conflicts', lazy: async () => ({ Component: (await import('./GpcConflictsPage')).GpcConflictsPage }) },
  ],
  nav: [
    { path: '/privacy/notices', labelKey: 'consent:nav.notices', section: 'data', permission: 'privacy_notices.create', order: 40 },
    { path: '/privacy/gpc-conflicts', labelKey: 'consent:nav.conflicts', section: 'data', permission: 'gpc_conflicts.resolve', order: 41 },
  ],
};
