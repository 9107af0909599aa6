import type { Feature } from '../../app/feature';

/** The compliance dashboard and the signed auditor's report (auditor, privacy officer, audit and security administrators). */
export const feature: Feature = {
  id: 'compliance',
  routes: [{ path: 'compliance', lazy: async () => ({ Component: (await import('./CompliancePage')).CompliancePage }) }],
  nav: [{ path: '/compliance', labelKey: 'compliance:nav', section: 'admin', permission: 'compliance.read', order: 31 }],
};
