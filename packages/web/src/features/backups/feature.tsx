import type { Feature } from '../../app/feature';

/** Backups: runs per target, restore drills with their evidence, schedule and retention, what each target holds (system, security administrators and auditors). */
export const feature: Feature = {
  id: 'backups',
  routes: [{ path: 'backups', lazy: async () => ({ Component: (await import('./BackupsPage')).BackupsPage }) }],
  nav: [{ path: '/backups', labelKey: 'backups:nav', section: 'admin', permission: 'backups.read', order: 32 }],
};
