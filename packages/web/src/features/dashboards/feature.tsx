import type { Feature } from '../../app/feature';
import { dashboardPermissions } from './widgets';

/** Dashboards with charts (each also as a table), shown only to holders of the permission its route needs. */
export const feature: Feature = {
  id: 'dashboards',
  routes: [{ path: 'dashboards', lazy: async () => ({ Component: (await import('./DashboardsPage')).DashboardsPage }) }],
  nav: [{ path: '/dashboards', labelKey: 'dashboards:nav', section: 'crm', permission: dashboardPermissions, order: 0 }],
};
