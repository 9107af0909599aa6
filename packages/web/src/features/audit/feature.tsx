import type { Feature } from '../../app/feature';

/** The audit log and its verification (audit administrator, read only). */
export const feature: Feature = {
  id: 'audit',
  routes: [{ path: 'audit', lazy: async () => ({ Component: (await import('./AuditPage')).AuditPage }) }],
  nav: [{ path: '/audit', labelKey: 'audit:nav', section: 'admin', permission: 'audit.read', order: 30 }],
};
