import type { Feature } from '../../app/feature';

/**
 * Privacy: the public portal where a data subject makes a request, proves they hold the e-mail,
 * follows its status, manages their consents and downloads their package (public routes), and the privacy officer's workspace of requests (signed in).
 */
export const feature: Feature = {
  id: 'privacy',
  publicRoutes: [
    { path: 'privacy', lazy: async () => ({ Component: (await import('./portal/PortalRequestPage')).PortalRequestPage }) },
    { path: 'privacy/verify', lazy: async () => ({ Component: (await import('./portal/PortalVerifyPage')).PortalVerifyPage }) },
    { path: 'privacy/status', lazy: async () => ({ Component: (await import('./portal/PortalStatusPage')).PortalStatusPage }) },
    { path: 'privacy/consents', lazy: async () => ({ Component: (await import('./portal/PortalConsentsPage')).PortalConsentsPage }) },
    { path: 'privacy/package', lazy: async () => ({ Component: (await import('./portal/PortalPackagePage')).PortalPackagePage }) },
  ],
  routes: [
    { path: 'privacy-requests', lazy: async () => ({ Component: (await import('./workspace/RequestsPage')).RequestsPage }) },
    { path: 'privacy-requests/:id', lazy: async () => ({ Component: (await import('./workspace/RequestDetailPage')).RequestDetailPage }) },
  ],
  nav: [{ path: '/privacy-requests', labelKey: 'privacy:nav.requests', section: 'data', permission: 'privacy_requests.read', order: 30 }],
};
