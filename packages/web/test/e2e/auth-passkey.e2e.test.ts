import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_USER_PASSWORD, type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { chooseSegment, codesSaved, heading, passwordStep, shownRecoveryCodes } from './auth-ui.js';
import { appReady, CHROMIUM, expectAccessible, type Lang, newAppContext, screenshot, unexpectedProblems } from './helpers/browser.js';

const words = {
  zh: {
    signIn: '登录',
    factor: '设置第二重验证',
    codes: '保存恢复码',
    home: /欢迎/,
    passkeys: '我的通行密钥',
    second: '确认是您本人',
    name: '办公室笔记本',
    last: '这是您唯一的第二重验证方式',
  },
  en: {
    signIn: 'Sign in',
    factor: 'Set up your second factor',
    codes: 'Save your recovery codes',
    home: /Welcome/,
    passkeys: 'My passkeys',
    second: 'Confirm it is you',
    name: 'Office laptop',
    last: 'This is your only second factor',
  },
} as const;

/**
 * A passkey through the screens, with Chromium's virtual authenticator (Chrome DevTools Protocol):
 * registered as the first second factor at the first sign-in, listed on "my passkeys" (the last one
 * cannot be removed, said after the step-up), then used for the second step of the next sign-in.
 * WebAuthn needs a domain name in a secure context, so the browser reaches the server as localhost.
 */
describe(`passkeys in the browser on ${e2eDialect}`, { timeout: 150_000 }, () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser('pat.key@castellan-e2e.test', 'Pat Key', ['service_agent'], 'Care Desk');
    await install.addUser('lin.key@castellan-e2e.test', 'Lin Key', ['service_agent'], 'Care Desk');
    server = await install.startServer();
    origin = server.url.replace('://127.0.0.1:', '://localhost:');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--host-resolver-rules=MAP localhost 127.0.0.1'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
  });

  it.each<[Lang, string]>([
    ['zh', 'lin.key@castellan-e2e.test'],
    ['en', 'pat.key@castellan-e2e.test'],
  ])('%s: registers a passkey at the first sign-in and signs in with it', async (lang, email) => {
    const w = words[lang];
    const { context, page, problems } = await newAppContext(browser, lang);
    try {
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
      });

      await page.goto(`${origin}/`);
      await appReady(page);
      await heading(page, w.signIn);
      await passwordStep(page, email, E2E_USER_PASSWORD);
      await heading(page, w.factor);
      await chooseSegment(page, 'enrol-method', 1);
      await page.getByTestId('passkey-name').fill(w.name);
      await expectAccessible(page, `welcome passkey ${lang}`);
      await screenshot(page, `auth-welcome-passkey-${lang}`);
      await page.getByTestId('register-passkey').click();
      await heading(page, w.codes);
      await shownRecoveryCodes(page);
      await codesSaved(page);
      await heading(page, w.home);
      expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials).toHaveLength(1);

      await page.goto(`${origin}/me/passkeys`);
      await heading(page, w.passkeys);
      const row = page.getByTestId('passkey-row').filter({ hasText: w.name });
      await row.waitFor();
      await expectAccessible(page, `my passkeys ${lang}`);
      await screenshot(page, `account-passkeys-listed-${lang}`);
      // The last second factor stays: the refusal is said (after a step-up with the passkey, when one is due).
      await row.getByTestId('remove-passkey').click();
      await page.getByTestId('confirm-remove-passkey').click();
      const stepUp = page.getByTestId('step-up');
      const refused = page.getByTestId('error-notice');
      await Promise.race([stepUp.waitFor(), refused.waitFor()]);
      if (await stepUp.isVisible()) {
        await expectAccessible(page, `step-up ${lang}`);
        await screenshot(page, `step-up-${lang}`);
        await stepUp.getByRole('button', { name: lang === 'zh' ? '使用通行密钥' : 'Use a passkey' }).click();
      }
      await refused.getByText(w.last).waitFor();
      await expectAccessible(page, `passkey removal refused ${lang}`);
      await screenshot(page, `account-passkey-remove-refused-${lang}`);
      await page.keyboard.press('Escape');
      await row.waitFor();

      // Sign out, then the passkey is the second step of the next sign-in.
      await page.getByTestId('sign-out').click();
      await heading(page, w.signIn);
      await passwordStep(page, email, E2E_USER_PASSWORD);
      await heading(page, w.second);
      await chooseSegment(page, 'second-factor-method', 1);
      await expectAccessible(page, `second step passkey ${lang}`);
      await screenshot(page, `auth-second-step-passkey-${lang}`);
      await page.getByTestId('use-passkey').click();
      await heading(page, w.home);
      const me = await page.evaluate(() => fetch('/api/v1/me', { headers: { accept: 'application/json' } }).then((r) => r.json()));
      expect(me).toMatchObject({ email, mfaEnrolled: true, session: { kind: 'full' } });
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
