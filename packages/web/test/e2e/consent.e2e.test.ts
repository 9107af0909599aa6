import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_USER_PASSWORD, type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { apiCall, created } from './broadcast-helpers.js';
import {
  type AppContext,
  appReady,
  expectAccessible,
  type Lang,
  launchBrowser,
  newAppContext,
  screenshot,
  signInByApi,
  unexpectedProblems,
} from './helpers/browser.js';

/**
 * The privacy officer's consent screens, in both languages: publish a notice version (it shows as
 * the next version of its purpose), see a contact's consent history with the GPC opt-out the
 * public portal recorded and the open conflict flagged, resolve the conflict on the conflicts list
 * (keeping the opt-in needs the person's answer), and see the outcome in the history.
 */
describe('consent ledger screens', () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  const secrets: Record<string, string | undefined> = {};
  const desk = 'consent-desk@castellan-e2e.test';
  const officer = 'privacy@castellan-e2e.test';
  const apps = new Map<string, AppContext>();

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(desk, 'Consent Desk', ['sales_manager', 'service_agent'], 'care');
    await install.addUser(officer, 'Privacy Officer', ['privacy_officer'], 'privacy');
    server = await install.startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const app of apps.values()) await app.context.close();
    await browser?.close();
    await install?.cleanup();
  });

  async function signedIn(email: string, lang: Lang) {
    const known = apps.get(`${email} ${lang}`);
    if (known) {
      known.problems.length = 0;
      return known;
    }
    const app = await newAppContext(browser, lang);
    secrets[email] = (await signInByApi(app.context, server.url, email, E2E_USER_PASSWORD, secrets[email])).totpSecret;
    apps.set(`${email} ${lang}`, app);
    return app;
  }

  it.each<Lang>(['zh', 'en'])(
    '(%s) publish a notice, read a contact’s consent history, resolve a GPC conflict',
    async (lang) => {
      const words =
        lang === 'zh'
          ? {
              publish: '发布新版本',
              send: '发布',
              notices: '隐私声明',
              conflicts: 'GPC 冲突',
              keep: '保留同意',
              gpc: '全球隐私控制（GPC）',
              kept: '已保留同意',
            }
          : {
              publish: 'Publish a version',
              send: 'Publish',
              notices: 'Privacy notices',
              conflicts: 'GPC conflicts',
              keep: 'Keep the opt-in',
              gpc: 'Global Privacy Control',
              kept: 'Opt-in kept',
            };
      // The desk records a person and their explicit opt-in to sale / sharing on paper.
      const deskApp = await signedIn(desk, lang);
      const email = `reader-${lang}@consent.example`;
      const person = await created(deskApp.context, server.url, '/api/v1/contacts', { name: `Marlow Penhaligon ${lang}`, email });
      await created(deskApp.context, server.url, '/api/v1/consents', {
        contactId: person.id,
        purpose: 'sale_share',
        channel: 'any',
        status: 'granted',
        source: 'paper',
        at: new Date(Date.now() - 60_000).toISOString(),
      });
      // The person's browser sends Global Privacy Control to the public portal.
      const portal = await deskApp.context.request.fetch(`${server.url}/api/v1/portal/consents`, {
        method: 'POST',
        data: { email },
        headers: { 'sec-gpc': '1', 'x-csrf-token': (await deskApp.context.cookies(server.url)).find((c) => c.name === 'csrf_token')?.value ?? '' },
      });
      expect(portal.status(), await portal.text()).toBe(202);

      const { page, problems } = await signedIn(officer, lang);
      try {
        // Publish a notice version.
        await page.goto(`${server.url}/privacy/notices`);
        await appReady(page);
        await page.getByRole('heading', { level: 1, name: words.notices }).waitFor();
        await page.getByTestId('publish-notice').click();
        const dialog = page.getByRole('dialog');
        await dialog.getByTestId('notice-titleZh').fill(`营销说明 ${lang}`);
        await dialog.getByTestId('notice-titleEn').fill(`Marketing notice ${lang}`);
        await dialog.getByTestId('notice-textZh').fill('我们会向您发送节目资讯。');
        await dialog.getByTestId('notice-textEn').fill('We send you programme news.');
        await expectAccessible(page, `publish notice (${lang})`);
        await dialog.getByRole('button', { name: words.send, exact: true }).click();
        await dialog.waitFor({ state: 'detached' });
        const row = page.getByTestId('notice').filter({ hasText: lang === 'zh' ? `营销说明 ${lang}` : `Marketing notice ${lang}` });
        await row.waitFor();
        expect(await row.locator('td').nth(1).textContent()).toBe(lang === 'zh' ? '1' : '2');
        await expectAccessible(page, `notices (${lang})`);
        await screenshot(page, `consent-notices-${lang}`);

        // The contact's consent history: the paper opt-in, the GPC opt-out, and the open conflict flagged.
        await page.goto(`${server.url}/contacts/${person.id}`);
        await appReady(page);
        const history = page.getByTestId('consent-history');
        await history.waitFor();
        expect(await history.getByTestId('consent-entry').count()).toBe(2);
        expect(await history.textContent()).toContain(words.gpc);
        await page.getByTestId('gpc-conflict-flag').waitFor();
        await expectAccessible(page, `contact consent history (${lang})`);

        // Resolve the conflict: keeping the opt-in needs the person's answer.
        await page.goto(`${server.url}/privacy/gpc-conflicts`);
        await appReady(page);
        await page.getByRole('heading', { level: 1, name: words.conflicts }).waitFor();
        const conflict = page.getByTestId('gpc-conflict').filter({ has: page.getByRole('button', { name: words.keep }) });
        expect(await conflict.count()).toBe(1);
        await conflict.getByRole('button', { name: words.keep }).click();
        const resolveDialog = page.getByRole('dialog');
        await resolveDialog.getByTestId('resolution-evidence').fill('Called the person; they confirmed the opt-in.');
        await expectAccessible(page, `resolve conflict (${lang})`);
        await resolveDialog.getByTestId('confirm-resolution').click();
        await resolveDialog.waitFor({ state: 'detached' });
        await expect.poll(() => page.getByTestId('gpc-conflict').filter({ hasText: words.kept }).count()).toBeGreaterThan(0);
        await expectAccessible(page, `conflicts (${lang})`);
        await screenshot(page, `consent-conflicts-${lang}`);

        await page.goto(`${server.url}/contacts/${person.id}`);
        await appReady(page);
        await page.getByTestId('consent-history').waitFor();
        await expect.poll(() => page.getByTestId('consent-entry').count()).toBe(3);
        expect(await page.getByTestId('gpc-conflict-flag').count()).toBe(0);
        const ledger = await apiCall(page.context(), server.url, 'GET', `/api/v1/consents?contactId=${person.id}`);
        expect(ledger.body.items.map((e: { source: string }) => e.source).sort()).toEqual(['gpc', 'paper', 'reconfirmation']);
        expect(unexpectedProblems(problems)).toEqual([]);
      } catch (error) {
        await screenshot(page, `consent-failure-${lang}`);
        throw error;
      }
    },
    180_000,
  );
});
