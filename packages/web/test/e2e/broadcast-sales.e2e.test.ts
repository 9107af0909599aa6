import type { Browser, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_USER_PASSWORD, type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { apiCall, created, type Json, pick, words } from './broadcast-helpers.js';
import { appReady, expectAccessible, type Lang, launchBrowser, profilesPerLanguage, screenshot, unexpectedProblems } from './helpers/browser.js';

/**
 * The ad-sales screens in Chromium, in both languages: the booking grid refuses a booking over the
 * 12-minute hour before sending it, and shows the API's own refusal when the hour filled meanwhile;
 * a deal moves on the board by keyboard. Every screen passes axe.
 */
describe('broadcast screens: ad sales', () => {
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

  it.each<Lang>(['zh', 'en'])(
    'booking grid (%s): a booking over the 12-minute hour is refused before the API, and the API refusal is shown when forced',
    async (lang) => {
      const { context, page, problems } = await signedIn(lang);
      try {
        const api = (path: string, body: unknown) => created(context, server.url, path, body);
        const code = `TV-${lang.toUpperCase()}-${Date.now() % 100000}`;
        const channel = await api('/api/v1/channels', { code, name: `测试频道 ${lang}`, kind: 'tv' });
        const daypart = await api('/api/v1/dayparts', { channelId: channel.id, name: '黄金时段 prime', startTime: '18:00', endTime: '22:00' });
        const slot = await api('/api/v1/breaks', {
          channelId: channel.id,
          daypartId: daypart.id,
          startTime: '19:30',
          maxDuration: 3600,
          name: '新闻联播后 A1',
        });
        await api('/api/v1/rate-cards', { channelId: channel.id, daypartId: daypart.id, spotLength: 30, price: 90_000, validFrom: '2026-01-01' });
        const stages = (await apiCall(context, server.url, 'GET', '/api/v1/deal-stages?code=proposal')).body.items;
        const account = await api('/api/v1/accounts', { name: `广告主 ${lang}`, kind: 'advertiser', country: 'CN' });
        const deal = await api('/api/v1/deals', { name: `春节 campaign ${lang}`, accountId: account.id, stageId: stages[0].id, amount: 1_000_000 });
        const airDate = '2026-12-20';

        await page.goto(`${server.url}/bookings/grid`);
        await appReady(page);
        await page.getByRole('heading', { level: 1, name: words[lang].grid }).waitFor();
        await pick(page, 'grid-channel', new RegExp(code));
        await page.getByTestId('grid-date').fill(airDate);
        await page.getByTestId('booking-grid').waitFor();
        // Keyboard: the hour is a button in the table.
        await page.getByTestId('hour-19').getByRole('button').focus();
        await page.keyboard.press('Enter');
        await page.getByTestId('booking-form').waitFor();
        await pick(page, 'booking-deal', deal.name);
        await pick(page, 'booking-break', /19:30/);
        await pick(page, 'booking-length', lang === 'zh' ? '30 秒' : '30 s');
        await page.getByTestId('booking-count').fill('25');
        // 25 × 30 s = 12:30 > 12:00: refused on the screen, nothing sent.
        const refusal = page.getByTestId('cap-refusal');
        await refusal.waitFor();
        const said = await refusal.textContent();
        expect(said).toContain('19:00–20:00');
        expect(said).toContain('12:30');
        expect(said).toContain('12:00');
        expect(await page.getByTestId('booking-submit').isDisabled()).toBe(true);
        await expectAccessible(page, `booking grid refusal ${lang}`);
        await screenshot(page, `broadcast-booking-grid-refused-${lang}`);
        const none = await apiCall(context, server.url, 'GET', `/api/v1/bookings?channelId=${channel.id}`);
        expect(none.body.items).toHaveLength(0);

        // Two spots fit by what the screen knows; meanwhile someone fills the hour to 11:30.
        await page.getByTestId('booking-count').fill('2');
        await expect.poll(() => refusal.count()).toBe(0);
        // What the screen knows stays as it was until the click: a re-read of the hour in between (the
        // query refetches on its own) would make the screen refuse by itself first (a CI failure so).
        const fillReads = '**/api/v1/dashboards/airtime-fill**';
        const held: Route[] = [];
        const hold = (route: Route) => {
          held.push(route);
        };
        await page.route(fillReads, hold);
        await api('/api/v1/bookings', { dealId: deal.id, channelId: channel.id, breakId: slot.id, airDate, spotLength: 30, count: 23 });
        await page.getByTestId('booking-submit').click();
        const apiRefusal = page.getByTestId('booking-api-refusal');
        await apiRefusal.waitFor();
        for (const route of held.splice(0)) await route.continue();
        await page.unroute(fillReads, hold);
        expect(await apiRefusal.getByTestId('error-detail').textContent()).toMatch(/19:00–20:00 hour would carry 12 min 30 s/);
        // The grid re-reads the hour: 11:30 used, and the screen now refuses by itself.
        await expect.poll(async () => page.getByTestId('hour-19').getByTestId('hour-used').textContent()).toBe('11:30 / 12:00');
        await refusal.waitFor();
        await screenshot(page, `broadcast-booking-grid-api-refused-${lang}`);
        // One spot fits: booked.
        await page.getByTestId('booking-count').fill('1');
        await expect.poll(() => refusal.count()).toBe(0);
        await page.getByTestId('booking-submit').click();
        await page.getByTestId('booking-made').waitFor();
        await expect.poll(async () => page.getByTestId('hour-19').getByTestId('hour-used').textContent()).toBe('12:00 / 12:00');
        expect(await page.getByTestId('hour-19').getByTestId('fill-level').getAttribute('data-level')).toBe('full');
        expect(unexpectedProblems(problems)).toEqual([]);
      } finally {
        await page.goto('about:blank');
      }
    },
  );

  it.each<Lang>(['zh', 'en'])('deals board (%s): a deal moves to another stage by keyboard, with column totals', async (lang) => {
    const { context, page, problems } = await signedIn(lang);
    try {
      const api = (path: string, body: unknown) => created(context, server.url, path, body);
      const stages = (await apiCall(context, server.url, 'GET', '/api/v1/deal-stages?sort=position&order=asc')).body.items as Json[];
      const proposal = stages.find((s) => s.code === 'proposal') as Json;
      const negotiation = stages.find((s) => s.code === 'negotiation') as Json;
      const account = await api('/api/v1/accounts', { name: `Board advertiser ${lang}`, kind: 'advertiser', country: 'CN' });
      const deal = await api('/api/v1/deals', {
        name: `Board deal ${lang}`,
        accountId: account.id,
        stageId: proposal.id,
        amount: 12_345_600,
        currency: lang === 'zh' ? 'USD' : 'EUR',
      });

      await page.goto(`${server.url}/deals/board`);
      await appReady(page);
      await page.getByRole('heading', { level: 1, name: words[lang].board }).waitFor();
      const card = page.locator(`[data-deal="${deal.id}"]`);
      await card.waitFor();
      expect(await card.textContent()).toContain(`Board advertiser ${lang}`);
      expect(await card.textContent()).toContain(lang === 'zh' ? 'US$123,456.00' : '€123,456.00');
      await expectAccessible(page, `deals board ${lang}`);
      await screenshot(page, `broadcast-deals-board-${lang}`);

      await card.getByRole('button').focus();
      await page.keyboard.press('Enter');
      const item = page.getByRole('menuitem', { name: String(negotiation.name) });
      await item.waitFor();
      for (let i = 0; i < stages.length && !(await item.evaluate((el) => el === document.activeElement || el.hasAttribute('data-hovered'))); i += 1) {
        await page.keyboard.press('ArrowDown');
      }
      await page.keyboard.press('Enter');
      await expect.poll(async () => page.getByTestId('board-status').textContent()).toContain(words[lang].moved);
      await page.getByTestId('stage-negotiation').locator(`[data-deal="${deal.id}"]`).waitFor();
      const stored = await apiCall(context, server.url, 'GET', `/api/v1/deals/${deal.id}`);
      expect(stored.body.stageId).toBe(negotiation.id);
      expect(await page.getByTestId('stage-negotiation').getByTestId('stage-total').textContent()).toContain(lang === 'zh' ? 'US$123,456.00' : '€123,456.00');
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await page.goto('about:blank');
    }
  });
});
