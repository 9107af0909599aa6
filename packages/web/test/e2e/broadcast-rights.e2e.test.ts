import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_USER_PASSWORD, type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { apiCall, created, pick, words } from './broadcast-helpers.js';
import { appReady, expectAccessible, type Lang, launchBrowser, profilesPerLanguage, screenshot, unexpectedProblems } from './helpers/browser.js';

/**
 * The licensing and subscriber screens in Chromium, in both languages: an overlapping exclusive
 * licence is refused with the licence in the way named; a subscription is suspended and resumed,
 * with its history and a device added. Every screen passes axe.
 */
describe('broadcast screens: licensing and subscribers', () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  const email = 'desk@castellan-e2e.test';

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(email, 'Broadcast Desk', ['sales_manager', 'licensing_manager', 'service_agent'], 'broadcast');
    server = await install.startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await profiles.closeAll();
    await browser?.close();
    await install?.cleanup();
  });

  const profiles = profilesPerLanguage(
    () => browser,
    () => server.url,
    email,
    E2E_USER_PASSWORD,
  );
  const signedIn = profiles.signedIn;

  it.each<Lang>(['zh', 'en'])('title availability (%s): an overlapping exclusive licence is refused with the licence in the way named', async (lang) => {
    const { context, page, problems } = await signedIn(lang);
    try {
      const api = (path: string, body: unknown) => created(context, server.url, path, body);
      const tag = `${lang}${Date.now() % 100000}`;
      const licensor = await api('/api/v1/accounts', { name: `Licensor ${tag}`, kind: 'licensor', country: 'CN' });
      const licensee = await api('/api/v1/accounts', { name: `Licensee Stream ${tag}`, kind: 'licensee', country: 'HK' });
      const title = await api('/api/v1/titles', { titleZh: `山海情 ${tag}`, titleEn: `Minning Town ${tag}`, kind: 'series', episodes: 23 });
      const window = { media: 'svod', windowStart: '2030-01-01', windowEnd: '2030-12-31', exclusive: true };
      await api('/api/v1/rights', { titleId: title.id, licensorAccountId: licensor.id, contractNumber: `RI-${tag}`, territories: 'GREATER-CHINA', ...window });
      await api('/api/v1/licenses', {
        titleId: title.id,
        licenseeAccountId: licensee.id,
        contractNumber: `LIC-${tag}`,
        territories: 'HK',
        ...window,
        feeFen: 10_000_000,
      });

      await page.goto(`${server.url}/titles/${title.id}/availability`);
      await appReady(page);
      await page
        .getByRole('heading', { level: 1 })
        .filter({ hasText: lang === 'zh' ? `山海情 ${tag}` : `Minning Town ${tag}` })
        .waitFor();
      const table = page.getByTestId('availability');
      await table.waitFor();
      expect(await table.getByTestId('conflict').first().textContent()).toContain(`LIC-${tag}`);
      await expectAccessible(page, `title availability ${lang}`);
      await screenshot(page, `broadcast-title-availability-${lang}`);

      await pick(page, 'licence-licensee', `Licensee Stream ${tag}`);
      await page.getByTestId('licence-number').fill(`LIC-${tag}-2`);
      await page.getByTestId('licence-territories').fill('HK,MO');
      await page.getByTestId('licence-start').fill('2030-03-01');
      await page.getByTestId('licence-end').fill('2030-06-30');
      await page.getByTestId('licence-fee').fill('50000');
      await page.getByTestId('licence-exclusive').check();
      await page.getByTestId('licence-submit').click();
      const refusal = page.getByTestId('licence-refusal');
      await refusal.waitFor();
      expect(await refusal.getByTestId('error-detail').textContent()).toContain(`LIC-${tag}`);
      expect(await page.getByTestId('licence-number').inputValue()).toBe(`LIC-${tag}-2`);
      await expectAccessible(page, `licence refused ${lang}`);
      await screenshot(page, `broadcast-licence-refused-${lang}`);
      // Macau only, outside the licence in the way: proposed.
      await page.getByTestId('licence-territories').fill('MO');
      await page.getByTestId('licence-submit').click();
      await page.getByTestId('licence-made').waitFor();
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await page.goto('about:blank');
    }
  });

  it.each<Lang>(['zh', 'en'])('subscription (%s): suspended and resumed from its page, with the history', async (lang) => {
    const { context, page, problems } = await signedIn(lang);
    try {
      const api = (path: string, body: unknown) => created(context, server.url, path, body);
      const tag = `${lang}${Date.now() % 100000}`;
      const customer = await api('/api/v1/contacts', { name: `Ottoline Brackwater ${tag}` });
      const account = await api('/api/v1/billing-accounts', { contactId: customer.id, accountNumber: `BA-${tag}`, billingAddress: `Brackwater Road ${tag}` });
      const subscription = await api('/api/v1/subscriptions', {
        billingAccountId: account.id,
        packageCode: 'BASIC-HD',
        packageKind: 'base',
        priceFen: 2600,
        startDate: '2026-01-01',
      });
      expect((await apiCall(context, server.url, 'POST', `/api/v1/subscriptions/${subscription.id}/activate`, {})).status).toBe(200);

      await page.goto(`${server.url}/subscriptions/${subscription.id}/service`);
      await appReady(page);
      const status = page.getByTestId('subscription-status');
      await expect.poll(() => status.textContent()).toBe(words[lang].active);
      expect(await page.getByTestId('lifecycle-resume').count()).toBe(0);
      expect(await page.getByTestId('lifecycle-activate').count()).toBe(0);
      await expectAccessible(page, `subscription ${lang}`);
      await screenshot(page, `broadcast-subscription-${lang}`);

      await page.getByTestId('lifecycle-suspend').click();
      await page.getByTestId('lifecycle-reason').fill(`customer travelling ${tag}`);
      await expectAccessible(page, `subscription suspend dialog ${lang}`);
      await page.getByTestId('lifecycle-confirm').click();
      await expect.poll(() => status.textContent()).toBe(words[lang].suspended);
      expect(await page.getByTestId('lifecycle-suspend').count()).toBe(0);
      await page.getByTestId('lifecycle-resume').click();
      await page.getByTestId('lifecycle-confirm').click();
      await expect.poll(() => status.textContent()).toBe(words[lang].active);
      await expect.poll(() => page.getByTestId('history-entry').count()).toBe(3);
      expect(await page.getByTestId('subscription-history').textContent()).toContain(`customer travelling ${tag}`);

      // A device added from the page.
      await page.getByTestId('device-add').click();
      await page.getByTestId('device-serial').fill(`STB${tag.toUpperCase()}12345678`);
      await page.getByTestId('device-save').click();
      await expect.poll(() => page.getByTestId('subscription-devices').textContent()).toContain(`STB${tag.toUpperCase()}12345678`);
      await screenshot(page, `broadcast-subscription-resumed-${lang}`);
      // The generic detail page carries the same actions and panels.
      await page.goto(`${server.url}/subscriptions/${subscription.id}`);
      await page.getByTestId('lifecycle-suspend').waitFor();
      expect(await page.getByTestId('lifecycle-resume').count()).toBe(0);
      await page.getByTestId('subscription-history').waitFor();
      await expectAccessible(page, `subscription detail ${lang}`);
      await screenshot(page, `broadcast-subscription-detail-${lang}`);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await page.goto('about:blank');
    }
  });
});
