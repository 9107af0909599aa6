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
 * What the broadcast screens add to the generic record pages, in both languages: a case's SLA
 * badges with live timers, the paused clock and resolving (a resolution required); a contract's
 * approval refused to its author with the API's reason, then approved by a colleague; a campaign's
 * consented audience and its export as a file.
 */
describe('broadcast extensions of the record pages', () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  const secrets: Record<string, string | undefined> = {};
  const desk = 'desk@castellan-e2e.test';
  const approver = 'approver@castellan-e2e.test';
  const marketer = 'marketer@castellan-e2e.test';

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(desk, 'Service Desk', ['sales_manager', 'service_agent'], 'broadcast');
    await install.addUser(approver, 'Sales Approver', ['sales_manager'], 'broadcast');
    await install.addUser(marketer, 'Marketing Desk', ['marketing'], 'broadcast');
    server = await install.startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const app of apps.values()) await app.context.close();
    await browser?.close();
    await install?.cleanup();
  });

  // One signed-in browser profile per person and language, shared by the tests (each sign-in spends a TOTP code).
  const apps = new Map<string, AppContext>();
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

  it.each<Lang>(['zh', 'en'])('case (%s): SLA badges tick, waiting pauses the clock, resolving needs a resolution', async (lang) => {
    const { context, page, problems } = await signedIn(desk, lang);
    try {
      const contact = await created(context, server.url, '/api/v1/contacts', { name: `Oriel Fenwick ${lang}` });
      const kase = await created(context, server.url, '/api/v1/cases', {
        contactId: contact.id,
        category: 'fault',
        priority: 'p2',
        channel: 'phone',
        description: `Set-top box reboots every night (${lang})`,
      });
      await page.goto(`${server.url}/cases/${kase.id}`);
      await appReady(page);
      const response = page.getByTestId('case-sla').getByTestId('sla-response');
      await response.waitFor();
      expect(await response.getAttribute('data-state')).toBe('within');
      const first = await response.textContent();
      expect(first).toMatch(/\d+:\d\d:\d\d/);
      expect(first).toContain(lang === 'zh' ? '时限内' : 'within');
      await expect.poll(() => response.textContent(), { timeout: 5000 }).not.toBe(first);
      await expectAccessible(page, `case ${lang}`);
      await screenshot(page, `broadcast-case-${lang}`);

      await page.getByTestId('case-wait').click();
      await page.getByTestId('case-confirm').click();
      await page.getByTestId('sla-paused').waitFor();
      expect(await page.getByTestId('case-sla').getByTestId('sla-resolution').getAttribute('data-state')).toBe('paused');

      await page.getByTestId('case-resolve').click();
      await page.getByTestId('case-confirm').click();
      await page.getByText(lang === 'zh' ? '请填写解决方案' : 'Describe the resolution').waitFor();
      await expectAccessible(page, `case resolve dialog ${lang}`);
      await page.getByTestId('case-resolution').fill('Replaced the power supply of the set-top box');
      await page.getByTestId('case-confirm').click();
      await page.getByTestId('case-satisfaction').waitFor();
      expect((await apiCall(context, server.url, 'GET', `/api/v1/cases/${kase.id}`)).body.status).toBe('resolved');
      expect(await page.getByTestId('case-sla').getByTestId('sla-resolution').getAttribute('data-state')).toBe('met');
      await screenshot(page, `broadcast-case-resolved-${lang}`);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await page.goto('about:blank');
    }
  });

  it.each<Lang>(['zh', 'en'])('contract (%s): its author may submit but not approve (the reason shown); a colleague approves', async (lang) => {
    const author = await signedIn(desk, lang);
    const colleague = await signedIn(approver, lang);
    try {
      const { context, page } = author;
      const stage = (await apiCall(context, server.url, 'GET', '/api/v1/deal-stages?code=negotiation')).body.items[0];
      const account = await created(context, server.url, '/api/v1/accounts', { name: `Contract advertiser ${lang}`, kind: 'advertiser', country: 'CN' });
      const deal = await created(context, server.url, '/api/v1/deals', {
        name: `Contract deal ${lang}`,
        accountId: account.id,
        stageId: stage.id,
        amount: 5_000_000,
      });
      const contract = await created(context, server.url, '/api/v1/contracts', {
        dealId: deal.id,
        number: `HT-2026-${lang}-${Date.now() % 10000}`,
        total: 5_000_000,
      });
      await page.goto(`${server.url}/contracts/${contract.id}`);
      await appReady(page);
      await page.getByTestId('contract-submit').click();
      await page.getByTestId('contract-approve').waitFor();
      expect(await page.getByTestId('contract-submit').count()).toBe(0);
      await page.getByTestId('contract-approve').click();
      const refusal = page.getByTestId('contract-refusal');
      await refusal.waitFor();
      expect((await refusal.getByTestId('error-detail').textContent())?.length).toBeGreaterThan(10);
      await expectAccessible(page, `contract refused ${lang}`);
      await screenshot(page, `broadcast-contract-refused-${lang}`);

      await colleague.page.goto(`${server.url}/contracts/${contract.id}`);
      await appReady(colleague.page);
      await colleague.page.getByTestId('contract-approve').click();
      await expect.poll(async () => (await apiCall(context, server.url, 'GET', `/api/v1/contracts/${contract.id}`)).body.status).toBe('approved');
      await expect.poll(() => colleague.page.getByTestId('contract-approve').count()).toBe(0);
      expect(unexpectedProblems(author.problems)).toEqual([]);
      expect(unexpectedProblems(colleague.problems)).toEqual([]);
    } finally {
      await author.page.goto('about:blank');
      await colleague.page.goto('about:blank');
    }
  });

  it.each<Lang>(['zh', 'en'])('campaign (%s): the consented audience is counted and exported as a file', async (lang) => {
    const staff = await signedIn(desk, lang);
    const { context, page, problems } = await signedIn(marketer, lang);
    try {
      for (const n of [1, 2]) {
        const contact = await created(staff.context, server.url, '/api/v1/contacts', {
          name: `Audience ${lang} ${n}`,
          email: `audience-${lang}-${n}@example.test`,
        });
        await created(staff.context, server.url, '/api/v1/consents', {
          contactId: contact.id,
          purpose: 'research',
          channel: 'sms',
          status: 'granted',
          source: 'paper',
        });
      }
      // One who did not consent for this channel.
      await created(staff.context, server.url, '/api/v1/contacts', { name: `No consent ${lang}` });
      const campaign = await created(context, server.url, '/api/v1/campaigns', { name: `Survey ${lang}`, purpose: 'research', channel: 'sms' });
      await page.goto(`${server.url}/campaigns/${campaign.id}`);
      await appReady(page);
      const count = page.getByTestId('audience-count');
      await count.waitFor();
      // Both languages' contacts consented (the zh test ran first on this server): 2 or 4.
      const expected = lang === 'zh' ? 2 : 4;
      expect(await count.textContent()).toContain(String(expected));
      // The people themselves are read (and audited) only when asked for.
      expect(await page.getByTestId('campaign-audience').getByRole('table').count()).toBe(0);
      await page.getByTestId('audience-show').click();
      await page.getByTestId('campaign-audience').getByRole('table').waitFor();
      expect(await page.getByTestId('campaign-audience').getByRole('row').count()).toBe(expected + 1);
      await expectAccessible(page, `campaign ${lang}`);
      await screenshot(page, `broadcast-campaign-${lang}`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audience-export').click()]);
      expect(download.suggestedFilename()).toBe(`audience-${campaign.id}.csv`);
      await page.getByTestId('audience-exported').waitFor();
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await page.goto('about:blank');
    }
  });
});
