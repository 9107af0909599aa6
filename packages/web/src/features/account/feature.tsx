import { Navigate } from 'react-router';
import type { Feature } from '../../app/feature';

/** The signed-in person's own account: profile, password, sessions, passkeys, API tokens. */
export const feature: Feature = {
  id: 'account',
  routes: [
    // `/me` itself is the profile; it has its own address so that the menu marks only one entry.
    { path: 'me', element: <Navigate to="/me/profile" replace /> },
    { path: 'me/profile', lazy: async () => ({ Component: (await import('./ProfilePage')).ProfilePage }) },
    { path: 'me/password', lazy: async () => ({ Component: (await import('./PasswordPage')).PasswordPage }) },
    { path: 'me/sessions', lazy: async () => ({ Component: (await import('./SessionsPage')).SessionsPage }) },
    { path: 'me/passkeys', lazy: async () => ({ Component: (await import('./PasskeysPage')).PasskeysPage }) },
    { path: 'me/tokens', lazy: async () => ({ Component: (await import('./TokensPage')).TokensPage }) },
  ],
  nav: [
    { path: '/me/profile', labelKey: 'account:nav.profile', section: 'me', order: 10 },
    { path: '/me/password', labelKey: 'account:nav.password', section: 'me', order: 20 },
    { path: '/me/sessions', labelKey: 'account:nav.sessions', section: 'me', order: 30 },
    { path: '/me/passkeys', labelKey: 'account:nav.passkeys', section: 'me', order: 40 },
    { path: '/me/tokens', labelKey: 'account:nav.tokens', section: 'me', order: 50 },
  ],
};
