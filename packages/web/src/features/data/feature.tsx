import type { Feature } from '../../app/feature';

export const feature: Feature = {
  id: 'data',
  routes: [
    { path: 'data/import', lazy: async () => ({ Component: (await import('./ImportPage')).ImportPage }) },
    { path: 'data/import/:id', lazy: async () => ({ Component: (await import('./ImportProgressPage')).ImportProgressPage }) },
    { path: 'data/export', lazy: async () => ({ Component: (await import('./ExportPage')).ExportPage }) },
  ],
  nav: [
    {
      path: '/data/import',
      labelKey: 'data:nav.import',
      section: 'data',
      permission: ['contacts.create', 'accounts.create', 'deals.create', 'subscriptions.create'],
      order: 10,
    },
    { path: '/data/export', labelKey: 'data:nav.export', section: 'data', permission: ['contacts.export', 'accounts.export'], order: 20 },
  ],
};
