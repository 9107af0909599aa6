import { type APIRequestContext, type Browser, request as playwrightRequest } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { chooseSegment, codeStep, expectNothingStored, heading, passwordStep, switchLanguage } from './auth-ui.js';
import { appReady, expectAccessible, type Lang, launchBrowser, newAppContext, screenshot, totpCode, unexpectedProblems } from './helpers/browser.js';

const words = {
  zh: {
    signIn: '登录',
    second: '确认是您本人',
    home: /欢迎/,
    wrongCode: '动态码无效',
    forgot: '重置密码',
    sent: '如果该地址属于某个账号',
    reset: '设置新密码',
    linkInvalid: '此链接无效',
    ssoLink: '您的单点登录账号尚未关联',
    linkHeading: '关联单点登录',
    notNow: '暂不关联',
  },
  en: {
    signIn: 'Sign in',
    second: 'Confirm it is you',
    home: /Welcome/,
    wrongCode: 'The code is not valid',
    forgot: 'Reset your password',
    sent: 'If this address belongs to an account',
    reset: 'Choose a new password',
    linkInvalid: 'This link does not work',
    ssoLink: 'Your single sign-on account is not linked yet',
    linkHeading: 'Link single sign-on',
    notNow: 'Not now',
  },
} as const;

/**
 * Signing in through the screens, in both languages: password then a TOTP code (a wrong code first,
 * refused in the person's language), a recovery code, the second step reached from single sign-on's
 * return fragment, the "forgot password" answer (the same for any address), the reset page with a link
 * that no longer works, and no SSO button while single sign-on is not configured.
 */
describe(`sign-in screens on ${e2eDialect}`, { timeout: 150_000 }, () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  let secret: string;
  let recoveryCodes: string[];

  async function post(http: APIRequestContext, url: string, body: unknown, csrf?: string) {
    const response = await http.post(`${server.url}${url}`, { data: body, headers: { accept: 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) } });
    return { status: response.status(), body: await response.json().catch(() => ({})) };
  }

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    server = await install.startServer();
    browser = await launchBrowser();
    // The administrator's authenticator, set up through the API (the enrolment screens have their own test).
    const http = await playwrightRequest.newContext({ ignoreHTTPSErrors: true });
    const login = await post(http, '/api/v1/auth/login', { email: E2E_ADMIN_EMAIL, password: E2E_ADMIN_PASSWORD });
    const start = await post(http, '/api/v1/me/mfa/totp', {}, login.body.csrfToken);
    secret = start.body.secret;
    const confirm = await post(http, '/api/v1/me/mfa/totp/confirm', { code: await totpCode(secret) }, login.body.csrfToken);
    expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
    recoveryCodes = confirm.body.recoveryCodes;
    await http.dispose();
  });
  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
  });

  it.each<Lang>(['zh', 'en'])('%s: password, a wrong code refused in the language, then the right code leads to the page asked for', async (lang) => {
    const w = words[lang];
    const { context, page, problems } = await newAppContext(browser, lang);
    try {
      await page.goto(`${server.url}/me`);
      await appReady(page);
      await heading(page, w.signIn);
      expect(new URL(page.url()).searchParams.get('next')).toBe('/me');
      expect(await page.getByTestId('sso-start').count()).toBe(0);
      await passwordStep(page, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD);
      await heading(page, w.second);
      await expectAccessible(page, `second step ${lang}`);
      await screenshot(page, `auth-second-step-${lang}`);
      await page.getByTestId('totp-code').fill('000000');
      await page.getByTestId('second-factor-submit').click();
      await page.getByTestId('error-notice').getByText(w.wrongCode).waitFor();
      await expectAccessible(page, `wrong code ${lang}`);
      await screenshot(page, `auth-wrong-code-${lang}`);
      // The other methods are offered too.
      await chooseSegment(page, 'second-factor-method', 1);
      await page.getByTestId('use-passkey').waitFor();
      await expectAccessible(page, `second step passkey ${lang}`);
      await chooseSegment(page, 'second-factor-method', 2);
      await page.getByTestId('recovery-code').waitFor();
      await expectAccessible(page, `second step recovery ${lang}`);
      await screenshot(page, `auth-second-step-recovery-${lang}`);
      await chooseSegment(page, 'second-factor-method', 0);
      await codeStep(page, secret);
      await page.waitForURL(`${server.url}/me/profile`);
      await page.getByTestId('profile-email').getByText(E2E_ADMIN_EMAIL).waitFor();
      await expectNothingStored(page);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('en: a recovery code signs in once', async () => {
    const { context, page } = await newAppContext(browser, 'en');
    try {
      await page.goto(`${server.url}/sign-in`);
      await appReady(page);
      await passwordStep(page, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD);
      await chooseSegment(page, 'second-factor-method', 2);
      await page.getByTestId('recovery-code').fill(String(recoveryCodes[0]).toUpperCase());
      await page.getByTestId('second-factor-submit').click();
      await heading(page, words.en.home);
    } finally {
      await context.close();
    }
  });

  it.each<Lang>(['zh', 'en'])(
    '%s: the second step reached from single sign-on (#mfa-challenge), and the link explanation (#sso-link-required)',
    async (lang) => {
      const w = words[lang];
      const http = await playwrightRequest.newContext({ ignoreHTTPSErrors: true });
      const login = await post(http, '/api/v1/auth/login', { email: E2E_ADMIN_EMAIL, password: E2E_ADMIN_PASSWORD });
      await http.dispose();
      expect(login.body.mfaRequired).toBe(true);
      const { context, page } = await newAppContext(browser, lang);
      try {
        await page.goto(`${server.url}/#sso-link-required`);
        await appReady(page);
        await page.getByTestId('sso-link-required').getByText(w.ssoLink).waitFor();
        await page.waitForFunction(() => window.location.hash === '');
        await expectAccessible(page, `sso link required ${lang}`);
        await screenshot(page, `auth-sso-link-required-${lang}`);

        await page.goto(`${server.url}/#mfa-challenge=${encodeURIComponent(login.body.challengeId)}`);
        await heading(page, w.second);
        await page.waitForFunction(() => window.location.hash === '');
        expect(page.url()).not.toContain(login.body.challengeId);
        await codeStep(page, secret);
        await heading(page, w.home);
        expect(new URL(page.url()).pathname).toBe('/');
      } finally {
        await context.close();
      }
    },
  );

  it.each<Lang>(['zh', 'en'])('%s: forgot password gives the same answer for any address; a used reset link says so', async (lang) => {
    const w = words[lang];
    const { context, page, problems } = await newAppContext(browser, lang);
    try {
      await page.goto(`${server.url}/sign-in`);
      await appReady(page);
      await page.getByTestId('forgot-password').click();
      await heading(page, w.forgot);
      await expectAccessible(page, `forgot ${lang}`);
      await screenshot(page, `auth-forgot-${lang}`);
      await page.getByTestId('forgot-email').fill('nobody-here@castellan-e2e.test');
      await page.getByTestId('forgot-submit').click();
      await page.getByTestId('forgot-sent').getByText(w.sent).waitFor();
      await screenshot(page, `auth-forgot-sent-${lang}`);

      await page.goto(`${server.url}/reset-password#token=${'x'.repeat(43)}`);
      await heading(page, w.reset);
      await page.waitForFunction(() => window.location.hash === '');
      await expectAccessible(page, `reset ${lang}`);
      await screenshot(page, `auth-reset-${lang}`);
      await page.getByTestId('new-password').fill('lantern harbour violet, reset 9');
      await page.getByTestId('repeat-password').fill('lantern harbour violet, reset 9');
      await page.getByTestId('password-submit').click();
      await page.getByTestId('link-invalid').getByText(w.linkInvalid).waitFor();
      await expectAccessible(page, `reset invalid ${lang}`);
      await switchLanguage(page, lang === 'zh' ? 'en' : 'zh');
      await page
        .getByTestId('link-invalid')
        .getByText(words[lang === 'zh' ? 'en' : 'zh'].linkInvalid)
        .waitFor();
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
