import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_ADMIN_EMAIL, type E2eInstall, firstAdminPassword, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { codesSaved, expectNothingStored, heading, passwordStep, shownRecoveryCodes, shownSecret, switchLanguage } from './auth-ui.js';
import { appReady, expectAccessible, launchBrowser, newAppContext, screenshot, totpCode, unexpectedProblems } from './helpers/browser.js';

const NEW_ADMIN_PASSWORD = 'harbour lantern violet, first day 7';
const ENROLLED_EMAIL = 'erin.first@castellan-e2e.test';
const ENROLLED_PASSWORD = 'copper meadow thistle, enrolled 4';

/**
 * The first sign-in, as a new install's operator and a new colleague live it: `castellan init` prints a
 * one-time password; the administrator signs in with it in the browser, is made to choose a password,
 * sets up an authenticator app from the QR code's key and saves the recovery codes (in 简体中文, switching
 * to English and back on the way). A colleague added by `castellan user add` opens the printed enrolment
 * link, chooses a first password, signs in and enrols (in English).
 */
describe(`first sign-in in the browser on ${e2eDialect}`, { timeout: 150_000 }, () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect, oneTimeAdminPassword: true });
    server = await install.startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
  });

  it('zh: the first administrator signs in with the printed one-time password, chooses a password, enrols TOTP and lands on the start page', async () => {
    const oneTime = firstAdminPassword(install.init);
    const { context, page, problems } = await newAppContext(browser, 'zh');
    try {
      await page.goto(`${server.url}/`);
      await appReady(page);
      await heading(page, '登录');
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      await expectAccessible(page, 'sign-in zh');
      await screenshot(page, 'auth-sign-in-zh');
      await switchLanguage(page, 'en');
      await heading(page, 'Sign in');
      await expectAccessible(page, 'sign-in en');
      await screenshot(page, 'auth-sign-in-en');
      await switchLanguage(page, 'zh');

      // A wrong password first: said in Chinese, what was typed in the e-mail field stays.
      await passwordStep(page, E2E_ADMIN_EMAIL, 'not the password at all');
      await page.getByTestId('error-notice').getByText('邮箱地址或密码错误').waitFor();
      expect(await page.getByTestId('sign-in-email').inputValue()).toBe(E2E_ADMIN_EMAIL);
      await passwordStep(page, E2E_ADMIN_EMAIL, oneTime);

      await heading(page, '设置您自己的密码');
      expect(new URL(page.url()).pathname).toBe('/welcome');
      await expectAccessible(page, 'welcome password zh');
      await screenshot(page, 'auth-welcome-password-zh');
      await switchLanguage(page, 'en');
      await heading(page, 'Choose your own password');
      await expectAccessible(page, 'welcome password en');
      await screenshot(page, 'auth-welcome-password-en');
      await switchLanguage(page, 'zh');

      // Two different passwords; then one the API refuses (its reason on the field, in Chinese).
      await page.getByTestId('current-password').fill(oneTime);
      await page.getByTestId('new-password').fill('short');
      await page.getByTestId('repeat-password').fill('shorter');
      await page.getByTestId('password-submit').click();
      await page.getByText('两次输入的密码不一致，请输入相同的密码。').waitFor();
      await page.getByTestId('repeat-password').fill('short');
      await page.getByTestId('password-submit').click();
      await page.getByTestId('password-problems').getByText('至少需要 12 个字符。').waitFor();
      expect(await page.getByTestId('current-password').inputValue()).toBe(oneTime);
      await expectAccessible(page, 'welcome password refused zh');
      await page.getByTestId('new-password').fill(NEW_ADMIN_PASSWORD);
      await page.getByTestId('repeat-password').fill(NEW_ADMIN_PASSWORD);
      await page.getByTestId('password-submit').click();

      await heading(page, '设置第二重验证');
      await expectAccessible(page, 'welcome factor zh');
      await screenshot(page, 'auth-welcome-factor-zh');
      await page.getByTestId('start-totp').click();
      const qr = page.getByTestId('totp-qr');
      await qr.waitFor();
      expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
      expect(await qr.getAttribute('alt')).toBe('将 Castellan 添加到身份验证器应用的二维码');
      expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      const secret = await shownSecret(page);
      await expectAccessible(page, 'welcome totp zh');
      await screenshot(page, 'auth-welcome-totp-zh');
      await switchLanguage(page, 'en');
      await page.getByText('Scan this QR code with your authenticator app.').waitFor();
      await expectAccessible(page, 'welcome totp en');
      await screenshot(page, 'auth-welcome-totp-en');
      await switchLanguage(page, 'zh');

      // A wrong code: said in Chinese; then the right one.
      await page.getByTestId('totp-confirm-code').fill('000000');
      await page.getByTestId('totp-confirm').click();
      await page.getByTestId('error-notice').getByText('动态码无效').waitFor();
      await page.getByTestId('totp-confirm-code').fill(await totpCode(secret));
      await page.getByTestId('totp-confirm').click();

      await heading(page, '保存恢复码');
      await shownRecoveryCodes(page);
      expect(await page.getByTestId('codes-done').isDisabled()).toBe(true);
      const download = page.waitForEvent('download');
      await page.getByTestId('download-codes').click();
      expect((await download).suggestedFilename()).toBe('castellan-recovery-codes-admin_castellan-e2e.test.txt');
      await expectAccessible(page, 'welcome codes zh');
      await screenshot(page, 'auth-welcome-codes-zh');
      await switchLanguage(page, 'en');
      await heading(page, 'Save your recovery codes');
      await expectAccessible(page, 'welcome codes en');
      await screenshot(page, 'auth-welcome-codes-en');
      await switchLanguage(page, 'zh');
      await codesSaved(page);

      await heading(page, /欢迎/);
      expect(new URL(page.url()).pathname).toBe('/');
      const me = await page.evaluate(() => fetch('/api/v1/me', { headers: { accept: 'application/json' } }).then((r) => r.json()));
      expect(me).toMatchObject({ mfaEnrolled: true, session: { kind: 'full' } });
      await expectNothingStored(page);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('en: a colleague added by the operator sets a first password from the enrolment link, signs in and enrols TOTP', async () => {
    const added = await install.cliOk(['user', 'add', '--email', ENROLLED_EMAIL, '--name', 'Erin First', '--role', 'sales_rep', '--team', 'Sales']);
    const token = /\/enrol#token=([A-Za-z0-9_-]+)/.exec(added.stdout)?.[1];
    expect(token, added.stdout).toBeTruthy();
    const { context, page, problems } = await newAppContext(browser, 'en');
    try {
      // A link without its token says so.
      await page.goto(`${server.url}/enrol`);
      await appReady(page);
      await page.getByTestId('link-invalid').waitFor();
      await expectAccessible(page, 'enrol invalid en');

      await page.goto(`${server.url}/enrol#token=${token}`);
      await heading(page, 'Choose your password');
      // The token leaves the address bar at once.
      await page.waitForFunction(() => window.location.hash === '');
      expect(page.url()).not.toContain(String(token));
      await expectAccessible(page, 'enrol en');
      await screenshot(page, 'auth-enrol-en');
      await switchLanguage(page, 'zh');
      await heading(page, '设置您的密码');
      await expectAccessible(page, 'enrol zh');
      await screenshot(page, 'auth-enrol-zh');
      await switchLanguage(page, 'en');

      await page.getByTestId('new-password').fill('password123456');
      await page.getByTestId('repeat-password').fill('password123456');
      await page.getByTestId('password-submit').click();
      await page.getByTestId('password-problems').getByText('It is on a list of common or breached passwords; choose another one.').waitFor();
      await page.getByTestId('new-password').fill(ENROLLED_PASSWORD);
      await page.getByTestId('repeat-password').fill(ENROLLED_PASSWORD);
      await page.getByTestId('password-submit').click();
      await page.getByTestId('password-set').waitFor();
      await screenshot(page, 'auth-enrol-done-en');
      await page.getByTestId('to-sign-in').click();

      await heading(page, 'Sign in');
      await passwordStep(page, ENROLLED_EMAIL, ENROLLED_PASSWORD);
      await heading(page, 'Set up your second factor');
      await expectAccessible(page, 'welcome factor en');
      await screenshot(page, 'auth-welcome-factor-en');
      await page.getByTestId('start-totp').click();
      const secret = await shownSecret(page);
      await page.getByTestId('totp-confirm-code').fill('123456');
      await page.getByTestId('totp-confirm').click();
      await page.getByTestId('error-notice').getByText('The code is not valid').waitFor();
      await page.getByTestId('totp-confirm-code').fill(await totpCode(secret));
      await page.getByTestId('totp-confirm').click();
      await heading(page, 'Save your recovery codes');
      await shownRecoveryCodes(page);
      await codesSaved(page);
      await heading(page, 'Welcome, Erin First');
      await expectNothingStored(page);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
