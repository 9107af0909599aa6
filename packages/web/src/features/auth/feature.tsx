import type { Feature } from '../../app/feature';

/** Sign-in (password, second factor, single sign-on), password reset, enrolment links and the first sign-in. */
export const feature: Feature = {
  id: 'auth',
  publicRoutes: [
    { path: 'sign-in', lazy: async () => ({ Component: (await import('./SignInPage')).SignInPage }) },
    { path: 'reset-password', lazy: async () => ({ Component: (await import('./TokenPasswordPage')).ResetPasswordPage }) },
    { path: 'enrol', lazy: async () => ({ Component: (await import('./TokenPasswordPage')).EnrolPage }) },
    { path: 'welcome', lazy: async () => ({ Component: (await import('./WelcomePage')).WelcomePage }) },
  ],
};
