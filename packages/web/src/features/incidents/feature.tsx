import type { Feature } from '../../app/feature';

/** The breach register: incidents with their parallel reporting clocks, affected subjects and report drafts. */
export const feature: Feature = {
  id: 'incidents',
  routes: [
    { path: 'incidents', lazy: async () => ({ Component: (await import('./IncidentsPage')).IncidentsPage }) },
    { path: 'incidents/:id', lazy: async () => ({ Component: (await import('./IncidentDetailPage')).IncidentDetailPage }) },
  ],
  nav: [{ path: '/incidents', labelKey: 'incidents:nav', section: 'security', permission: 'breaches.read', order: 40 }],
};
