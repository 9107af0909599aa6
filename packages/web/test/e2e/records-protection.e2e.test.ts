import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { appReady, expectAccessible, type Lang, launchBrowser, screenshot, totpCode, unexpectedProblems } from './helpers/browser.js';
import { recordUsers } from './helpers/records-users.js';

/**
 * Protection made visible on the record screens, in Chromium: a masked value revealed with a reason
 * (and a step-up when the server asks) shows for 30 seconds with a countdown, then is gone; the
 * privacy officer sees who has seen the customer, with the reveal and its reason; another team's
 * record, made by a user of the same role, is "not found" at its address.
 */
describe('record protection screens', () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  const { secrets, signedIn, apiCall } = recordUsers(
    () => browser,
    () => server.url,
  );
  const managerA = 'manager.a@castellan-e2e.test';
  const managerB = 'manager.b@castellan-e2e.test';
  const privacy = 'privacy@castellan-e2e.test';
  let revealContactId = '';
  let otherTeamContactId = '';

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(managerA, 'Manager A', ['sales_manager'], 'Team A');
    await install.addUser(managerB, 'Manager B', ['sales_manager'], 'Team B');
    await install.addUser(privacy, 'Privacy Officer', ['privacy_officer'], 'Privacy');
    server = await install.startServer();
    browser = await launchBrowser();
    const a = await signedIn(managerA, 'en');
    const created = await apiCall(a.context, 'POST', '/api/v1/contacts', { name: 'Wang Fang', phone: '+8613812345678', idNumber: '110101199003074211' });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    revealContactId = String(created.json.id);
    await a.context.close();
    const b = await signedIn(managerB, 'en');
    const other = await apiCall(b.context, 'POST', '/api/v1/contacts', { name: 'Other Team Person' });
    expect(other.status).toBe(201);
    otherTeamContactId = String(other.json.id);
    await b.context.close();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
  });

  it('reveals a masked value with a reason, shows a countdown, and hides it after 30 seconds', async () => {
    const { context, page, problems } = await signedIn(managerA, 'zh');
    try {
      await page.goto(`${server.url}/contacts/${revealContactId}`);
      await appReady(page);
      const idField = page.getByTestId('detail-idNumber');
      await idField.getByTestId('masked-value').waitFor();
      const masked = (await idField.textContent()) ?? '';
      expect(masked).not.toContain('110101199003074211');
      await page.getByTestId('reveal-button').click();
      await page.getByTestId('reveal-reason').click();
      await screenshot(page, 'records-reveal-dialog-zh');
      await page.getByRole('option', { name: '处理投诉' }).click();
      await page.getByTestId('reveal-note').fill('客户来电投诉');
      await expectAccessible(page, 'reveal dialog zh');
      await page.getByTestId('reveal-confirm').click();
      const stepUp = page.getByTestId('step-up');
      const revealed = idField.getByTestId('revealed-value');
      await Promise.race([stepUp.waitFor({ timeout: 15_000 }), revealed.waitFor({ timeout: 15_000 })]);
      if (await stepUp.isVisible()) {
        await stepUp.locator('input').first().click();
        await page.keyboard.type(await totpCode(secrets.get(managerA) ?? ''));
      }
      await revealed.waitFor();
      expect(await revealed.textContent()).toContain('110101199003074211');
      const countdown = page.getByTestId('reveal-countdown');
      expect(await countdown.textContent()).toMatch(/(30|29|28) 秒/);
      await screenshot(page, 'records-revealed-zh');
      await expect.poll(() => countdown.textContent(), { timeout: 10_000 }).toMatch(/2[0-6] 秒/);
      await revealed.waitFor({ state: 'detached', timeout: 35_000 });
      await idField.getByTestId('masked-value').waitFor();
      expect(await page.getByText('110101199003074211').count()).toBe(0);
      expect(await countdown.count()).toBe(0);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
  it.each<Lang>(['zh', 'en'])('shows the privacy officer who has seen the customer, with the reveal and its reason (%s)', async (lang) => {
    const { context, page, problems } = await signedIn(privacy, lang);
    try {
      await page.goto(`${server.url}/contacts/${revealContactId}`);
      await appReady(page);
      const accesses = page.getByTestId('accesses');
      await accesses.getByTestId('access-row').first().waitFor();
      const reveal = accesses.getByTestId('access-row').filter({ hasText: lang === 'zh' ? '处理投诉' : 'Handling a complaint' });
      expect(await reveal.count()).toBe(1);
      expect(await reveal.textContent()).toContain(lang === 'zh' ? '身份证件号码' : 'ID number');
      expect(await reveal.textContent()).toContain('客户来电投诉');
      expect(await page.getByTestId('delete-button').count()).toBe(0);
      await expectAccessible(page, `who has seen this customer ${lang}`);
      await screenshot(page, `records-accesses-${lang}`);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
  it.each<Lang>(['zh', 'en'])("shows another team's record as not found (%s)", async (lang) => {
    const { context, page } = await signedIn(managerA, lang);
    try {
      await page.goto(`${server.url}/contacts/${otherTeamContactId}`);
      await appReady(page);
      await page.getByTestId('not-found').waitFor();
      expect(await page.getByText('Other Team Person').count()).toBe(0);
      await expectAccessible(page, `not found ${lang}`);
    } finally {
      await context.close();
    }
  });
});
