import type { Feature } from '../../app/feature';

/** Retention: rules per object and purpose, dry runs, purges and their signed certificates (the privacy officer's workspace). */
export const feature: Feature = {
  id: 'retention',
  routes: [{ path: 'retention', lazy: async () => ({ Component: (await import('./RetentionPage')).RetentionPage }) }],
  nav: [{ path: '/retention', labelKey: 'retention:nav', section: 'data', permission: 'retention.read', order: 35 }],
};
