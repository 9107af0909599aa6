import { type APIRequestContext, type Browser, type BrowserContext, request as playwrightRequest } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { chooseSegment, heading } from './auth-ui.js';
import { appReady, expectAccessible, type Lang, launchBrowser, newAppContext, screenshot, totpCode, unexpectedProblems } from './helpers/browser.js';

const words = {
  zh: {
    expired: '您的会话已结束',
    profile: '我的资料',
    password: '修改密码',
    wrongCurrent: '当前密码错误。',
    sessions: '我的会话',
    passkeys: '我的通行密钥',
    noPasskeys: '您还没有通行密钥。',
    tokens: '我的 API 令牌',
    role: '系统管理员',
    revoked: '已撤销',
  },
  en: {
    expired: 'Your session has ended',
    profile: 'My profile',
    password: 'Change password',
    wrongCurrent: 'The current password is wrong.',
    sessions: 'My sessions',
    passkeys: 'My passkeys',
    noPasskeys: 'You have no passkey yet.',
    tokens: 'My API tokens',
    role: 'System administrator',
    revoked: 'Revoked',
  },
} as const;

/**
 * A signed-in person's session ends while they work (revoked from elsewhere): the next request shows
 * the sign-in over the page, what they typed stays, and the request goes through once they are back;
 * cancelling leads to the sign-in page with the way back. And the own-account pages in both languages:
 * profile, password (a wrong current password on its field), sessions (ending another one), passkeys,
 * API tokens (created with the token shown once, then revoked).
 */
describe(`session expiry and account pages on ${e2eDialect}`, { timeout: 150_000 }, () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  let secret: string;
  let recoveryCodes: string[];

  async function post(http: APIRequestContext, url: string, body: unknown, csrf?: string) {
    const response = await http.post(`${server.url}${url}`, { data: body, headers: { accept: 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) } });
    return { status: response.status(), body: await response.json().catch(() => ({})) };
  }

  /** Signs a cookie jar in through the API with a TOTP code or a recovery code. */
  async function apiSignIn(http: APIRequestContext, code: string): Promise<void> {
    const login = await post(http, '/api/v1/auth/login', { email: E2E_ADMIN_EMAIL, password: E2E_ADMIN_PASSWORD });
    const mfa = await post(http, '/api/v1/auth/mfa', { challengeId: login.body.challengeId, code });
    expect(mfa.status, JSON.stringify(mfa.body)).toBe(200);
  }

  /** Ends the browser's current session from outside the page (as another tab or an administrator would). */
  async function endSession(context: BrowserContext): Promise<void> {
    const csrf = (await context.cookies()).find((c) => c.name === 'csrf_token')?.value ?? '';
    const me = await context.request.get(`${server.url}/api/v1/me`, { headers: { accept: 'application/json' } });
    const id = (await me.json()).session.id as string;
    const ended = await context.request.delete(`${server.url}/api/v1/me/sessions/${id}`, { headers: { accept: 'application/json', 'x-csrf-token': csrf } });
    expect(ended.status()).toBe(204);
    expect((await context.request.get(`${server.url}/api/v1/me`, { headers: { accept: 'application/json' } })).status()).toBe(401);
  }

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    server = await install.startServer();
    browser = await launchBrowser();
    const http = await playwrightRequest.newContext({ ignoreHTTPSErrors: true });
    const login = await post(http, '/api/v1/auth/login', { email: E2E_ADMIN_EMAIL, password: E2E_ADMIN_PASSWORD });
    secret = (await post(http, '/api/v1/me/mfa/totp', {}, login.body.csrfToken)).body.secret;
    const confirm = await post(http, '/api/v1/me/mfa/totp/confirm', { code: await totpCode(secret) }, login.body.csrfToken);
    expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
    recoveryCodes = [...confirm.body.recoveryCodes];
    await http.dispose();
  });
  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
  });

  it.each<Lang>(['zh', 'en'])('%s: an ended session asks for sign-in over the page, keeps what was typed and repeats the request', async (lang) => {
    const w = words[lang];
    const { context, page, problems } = await newAppContext(browser, lang);
    try {
      await apiSignIn(context.request, String(recoveryCodes.pop()));
      await page.goto(`${server.url}/me/tokens`);
      await appReady(page);
      await heading(page, w.tokens);
      await page.getByTestId('new-token-button').click();
      const name = `typed-before-expiry-${lang}`;
      await page.getByTestId('token-name').fill(name);

      await endSession(context);
      await page.getByTestId('token-create').click();
      const modal = page.getByTestId('session-expired');
      await modal.getByText(w.expired).first().waitFor();
      await modal.getByText(E2E_ADMIN_EMAIL).waitFor();
      expect(await page.getByTestId('token-name').inputValue()).toBe(name);
      await expectAccessible(page, `session expired ${lang}`);
      await screenshot(page, `auth-session-expired-${lang}`);

      await page.getByTestId('expired-password').fill(E2E_ADMIN_PASSWORD);
      await page.getByTestId('expired-submit').click();
      if (lang === 'zh') {
        await page.getByTestId('totp-code').fill(await totpCode(secret));
      } else {
        await chooseSegment(page, 'second-factor-method', 2);
        await page.getByTestId('recovery-code').fill(String(recoveryCodes.pop()));
      }
      await page.getByTestId('second-factor-submit').click();

      // The create went through with what was typed before the session ended; the token is shown once.
      await page.getByTestId('token-created').waitFor();
      expect(await page.getByTestId('new-token').textContent()).toMatch(/\S{20,}/);
      await expectAccessible(page, `token created ${lang}`);
      await screenshot(page, `account-token-created-${lang}`);
      await page.getByTestId('token-done').click();
      await page.getByTestId('tokens-table').getByText(name).waitFor();
      expect(await page.getByTestId('new-token').count()).toBe(0);
      await expectAccessible(page, `tokens ${lang}`);
      await screenshot(page, `account-tokens-${lang}`);
      const row = page.getByTestId('token-row').filter({ hasText: name });
      await row.getByTestId('revoke-token').click();
      await page.getByTestId('confirm-revoke-token').click();
      await row.getByText(w.revoked).waitFor();
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('en: cancelling the sign-in over the page leads to the sign-in page, which knows the way back', async () => {
    const { context, page } = await newAppContext(browser, 'en');
    try {
      await apiSignIn(context.request, String(recoveryCodes.pop()));
      await page.goto(`${server.url}/me`);
      await appReady(page);
      await heading(page, words.en.profile);
      await endSession(context);
      await page.getByRole('link', { name: words.en.sessions }).first().click();
      await page.getByTestId('session-expired').getByText(words.en.expired).first().waitFor();
      await page.getByTestId('expired-cancel').click();
      await heading(page, 'Sign in');
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      expect(new URL(page.url()).searchParams.get('next')).toBe('/me/sessions');
    } finally {
      await context.close();
    }
  });

  it.each<Lang>(['zh', 'en'])('%s: profile, password, sessions and passkeys pages', async (lang) => {
    const w = words[lang];
    const { context, page, problems } = await newAppContext(browser, lang);
    try {
      await apiSignIn(context.request, String(recoveryCodes.pop()));
      await page.goto(`${server.url}/me`);
      await appReady(page);
      await heading(page, w.profile);
      await page.getByTestId('profile-roles').getByText(w.role).waitFor();
      await expectAccessible(page, `profile ${lang}`);
      await screenshot(page, `account-profile-${lang}`);

      await page.goto(`${server.url}/me/password`);
      await heading(page, w.password);
      await page.getByTestId('current-password').fill('not my password at all');
      await page.getByTestId('new-password').fill('amber orchard pelican, changed 3');
      await page.getByTestId('repeat-password').fill('amber orchard pelican, changed 3');
      await page.getByTestId('password-submit').click();
      await page.getByText(w.wrongCurrent).waitFor();
      // A wrong current password is not an ended session: no sign-in over the page.
      expect(await page.getByText(w.expired).isVisible()).toBe(false);
      expect(await page.getByTestId('new-password').inputValue()).toBe('amber orchard pelican, changed 3');
      await expectAccessible(page, `password ${lang}`);
      await screenshot(page, `account-password-${lang}`);

      // Another session of mine, opened elsewhere: it is listed and can be ended here.
      const elsewhere = await playwrightRequest.newContext({ ignoreHTTPSErrors: true, userAgent: `Elsewhere-${lang}/1.0` });
      await apiSignIn(elsewhere, String(recoveryCodes.pop()));
      await page.goto(`${server.url}/me/sessions`);
      await heading(page, w.sessions);
      const other = page.getByTestId('session-row').filter({ hasText: `Elsewhere-${lang}/1.0` });
      await other.waitFor();
      await expectAccessible(page, `sessions ${lang}`);
      await screenshot(page, `account-sessions-${lang}`);
      await other.getByTestId('revoke-session').click();
      await other.waitFor({ state: 'detached' });
      expect((await elsewhere.get(`${server.url}/api/v1/me`, { headers: { accept: 'application/json' } })).status()).toBe(401);
      await elsewhere.dispose();

      await page.goto(`${server.url}/me/passkeys`);
      await heading(page, w.passkeys);
      await page.getByTestId('no-passkeys').getByText(w.noPasskeys).waitFor();
      await expectAccessible(page, `passkeys ${lang}`);
      await screenshot(page, `account-passkeys-${lang}`);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
