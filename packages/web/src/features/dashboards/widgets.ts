import { lazyWithRetry } from '../../app/lazy-with-retry';

/**
 * Every dashboard widget, the permission its API route needs (docs/API.md) and its code, loaded only
 * when shown (the chart library stays out of the first script).
 */
export interface Widget {
  id: string;
  permission: string;
  load: () => Promise<{ default: React.ComponentType }>;
}

export const widgets: Widget[] = [
  { id: 'pipeline', permission: 'deals.read', load: () => import('./charts/PipelineWidget') },
  { id: 'bookingsRevenue', permission: 'bookings.read', load: () => import('./charts/BookingsRevenueWidget') },
  { id: 'airtimeFill', permission: 'bookings.read', load: () => import('./charts/AirtimeFillWidget') },
  { id: 'churn', permission: 'subscriptions.read', load: () => import('./charts/ChurnWidget') },
  { id: 'caseSla', permission: 'cases.read', load: () => import('./charts/CaseSlaWidget') },
  { id: 'licensing', permission: 'licenses.read', load: () => import('./charts/LicensingWidget') },
  { id: 'privacyRequests', permission: 'privacy_requests.read', load: () => import('./charts/PrivacyRequestsWidget') },
];

export const dashboardPermissions: readonly string[] = [...new Set(widgets.map((w) => w.permission))];

const components = new Map(widgets.map((w) => [w.id, lazyWithRetry(w.load)]));
export const widgetComponent = (id: string) => components.get(id);
