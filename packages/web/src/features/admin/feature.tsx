import type { Feature } from '../../app/feature';

/** Administration (system administrator: users, teams, custom fields; security administrator: roles, tokens, lockouts, keys, reviews). */
export const feature: Feature = {
  id: 'admin',
  routes: [
    { path: 'admin/users', lazy: async () => ({ Component: (await import('./users/UsersPage')).UsersPage }) },
    { path: 'admin/teams', lazy: async () => ({ Component: (await import('./users/TeamsPage')).TeamsPage }) },
    { path: 'admin/roles', lazy: async () => ({ Component: (await import('./roles/RolesPage')).RolesPage }) },
    { path: 'admin/custom-fields', lazy: async () => ({ Component: (await import('./custom-fields/CustomFieldsPage')).CustomFieldsPage }) },
    { path: 'security/tokens', lazy: async () => ({ Component: (await import('./security/TokensPage')).TokensPage }) },
    { path: 'security/sign-in', lazy: async () => ({ Component: (await import('./security/SignInSecurityPage')).SignInSecurityPage }) },
    { path: 'security/keys', lazy: async () => ({ Component: (await import('./security/KeysPage')).KeysPage }) },
    { path: 'security/access-reviews', lazy: async () => ({ Component: (await import('./security/AccessReviewsPage')).AccessReviewsPage }) },
  ],
  nav: [
    { path: '/admin/users', labelKey: 'admin:nav.users', section: 'admin', permission: 'users.read', order: 10 },
    { path: '/admin/teams', labelKey: 'admin:nav.teams', section: 'admin', permission: 'users.read', order: 11 },
    { path: '/admin/roles', labelKey: 'admin:nav.roles', section: 'admin', permission: 'users.read', order: 12 },
    { path: '/admin/custom-fields', labelKey: 'admin:nav.customFields', section: 'admin', permission: 'custom_fields.manage', order: 13 },
    { path: '/security/tokens', labelKey: 'admin:nav.tokens', section: 'security', permission: 'tokens.manage', order: 10 },
    { path: '/security/sign-in', labelKey: 'admin:nav.signIn', section: 'security', permission: 'sessions.manage', order: 11 },
    { path: '/security/keys', labelKey: 'admin:nav.keys', section: 'security', permission: 'keys.manage', order: 12 },
    {
      path: '/security/access-reviews',
      labelKey: 'admin:nav.accessReviews',
      section: 'security',
      permission: ['roles.assign', 'reviews.decide', 'users.read'],
      order: 13,
    },
  ],
};
