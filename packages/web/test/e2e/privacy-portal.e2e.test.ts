import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_USER_PASSWORD, type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { SmtpInbox, unfold } from '../../../server/test/helpers/smtp-inbox.js';
import { appReady, expectAccessible, launchBrowser, newAppContext, screenshot, signInByApi, unexpectedProblems } from './helpers/browser.js';

/**
 * The privacy portal and the officer's workspace in Chromium over the real HTTPS server with real
 * SMTP: a data subject makes an access request in Chinese, reads the code from the e-mail, confirms
 * and sees the status with its due day; the privacy officer (in English) finds it in the list,
 * opens it, starts it, writes a response and completes it; the person sees the answer on refresh.
 */
describe(`privacy portal and workspace on ${e2eDialect}`, { timeout: 180_000 }, () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  const inbox = new SmtpInbox();
  const officer = 'privacy.officer@castellan-e2e.test';
  const person = 'li.lei@example.com';

  beforeAll(async () => {
    const smtpUrl = await inbox.start();
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(officer, 'Olivia Officer', ['privacy_officer'], 'Privacy');
    server = await install.startServer({ CASTELLAN_SMTP_URL: smtpUrl });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
    await inbox.stop();
  });

  it('a person asks, verifies by the mailed code and follows the request; the officer answers it', async () => {
    const visitor = await newAppContext(browser, 'zh');
    const desk = await newAppContext(browser, 'en');
    try {
      const { page } = visitor;
      await page.goto(`${server.url}/privacy`);
      await appReady(page);
      await page.getByRole('heading', { level: 1, name: '隐私请求' }).waitFor();
      await expectAccessible(page, 'privacy portal zh');
      await screenshot(page, 'privacy-portal-zh');
      await page.getByTestId('portal-email').fill(person);
      await page.getByTestId('portal-submit').click();
      await page.getByRole('heading', { level: 1, name: '确认您的请求' }).waitFor();
      const reference = await page.getByTestId('portal-reference').inputValue();
      expect(reference).toMatch(/^[0-9a-f-]{36}$/);
      let code: string | undefined;
      for (let i = 0; i < 100 && !code; i += 1) {
        code = /Verification code: (\d{6})/.exec(unfold(inbox.lastTo(person)))?.[1];
        if (!code) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(code).toMatch(/^\d{6}$/);
      await expectAccessible(page, 'privacy verify zh');
      await page.getByTestId('portal-code').fill(code ?? '');
      await page.getByTestId('portal-verify').click();
      await page.getByTestId('portal-status-value').getByText('已验证').waitFor();
      await expectAccessible(page, 'privacy status zh');
      await screenshot(page, 'privacy-status-zh');

      await signInByApi(desk.context, server.url, officer, E2E_USER_PASSWORD);
      await desk.page.goto(`${server.url}/privacy-requests`);
      await appReady(desk.page);
      await desk.page.getByRole('heading', { level: 1, name: 'Privacy requests' }).waitFor();
      await desk.page.getByTestId('privacy-row').first().waitFor();
      await expectAccessible(desk.page, 'privacy workspace en');
      await screenshot(desk.page, 'privacy-workspace-en');
      await desk.page.getByTestId('privacy-row').getByRole('link', { name: 'Access (a copy of my data)' }).click();
      await desk.page.getByTestId('privacy-status').getByText('Verified').waitFor();
      await desk.page.getByTestId('privacy-start').click();
      await desk.page.getByTestId('privacy-status').getByText('In progress').waitFor();
      await desk.page.getByTestId('privacy-response').fill('We hold your e-mail address only; a copy is attached.');
      await desk.page.getByTestId('privacy-respond').click();
      await desk.page.getByTestId('privacy-history').getByText('Response written').waitFor();
      await desk.page.getByTestId('privacy-complete').click();
      await desk.page.getByTestId('privacy-status').getByText('Completed').waitFor();
      await expectAccessible(desk.page, 'privacy request detail en');
      await screenshot(desk.page, 'privacy-request-en');

      await page.getByTestId('portal-refresh').click();
      await page.getByTestId('portal-status-value').getByText('已完成').waitFor();
      await page.getByText('We hold your e-mail address only; a copy is attached.').waitFor();
      expect(unexpectedProblems(visitor.problems)).toEqual([]);
      expect(unexpectedProblems(desk.problems)).toEqual([]);
    } finally {
      await visitor.context.close();
      await desk.context.close();
    }
  });
});
