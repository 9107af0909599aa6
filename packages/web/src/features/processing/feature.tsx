import type { Feature } from '../../app/feature';

/**
 * The records of processing, in the privacy officer's workspace: the record of processing activities
 * (GDPR Art. 30) with its versions, the impact assessments (PIPL Arts. 55–56) and the cross-border
 * transfer register. Read by the auditor too (without the sealed findings).
 */
export const feature: Feature = {
  id: 'processing',
  routes: [
    { path: 'processing-records', lazy: async () => ({ Component: (await import('./RopaPage')).RopaPage }) },
    { path: 'pipias', lazy: async () => ({ Component: (await import('./PipiasPage')).PipiasPage }) },
    { path: 'pipias/:id', lazy: async () => ({ Component: (await import('./PipiaDetailPage')).PipiaDetailPage }) },
    { path: 'transfers', lazy: async () => ({ Component: (await import('./TransfersPage')).TransfersPage }) },
  ],
  nav: [
    { path: '/processing-records', labelKey: 'processing:nav.ropa', section: 'data', permission: 'records.read', order: 40 },
    { path: '/pipias', labelKey: 'processing:nav.pipias', section: 'data', permission: 'records.read', order: 41 },
    { path: '/transfers', labelKey: 'processing:nav.transfers', section: 'data', permission: 'records.read', order: 42 },
  ],
};
