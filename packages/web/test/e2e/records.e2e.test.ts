import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { appReady, expectAccessible, type Lang, launchBrowser, screenshot, unexpectedProblems } from './helpers/browser.js';
import { recordUsers } from './helpers/records-users.js';

/** Waits for what the person sees (the machine may be busy: up to 15 s). */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 });

/**
 * The catalogue-driven record screens in Chromium, in both languages: a contact created through the
 * form (the API's message on the invalid field, nothing typed lost, then saved, then deleted after a
 * confirmation), a list that loads its next page as the person scrolls and sorts by its headers, and
 * the buttons a role may not use not shown at all (record-protection.e2e has reveal and scope).
 */
describe('record screens', () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  const { signedIn, apiCall } = recordUsers(
    () => browser,
    () => server.url,
  );
  const managerA = 'manager.a@castellan-e2e.test';
  const rep = 'rep.a@castellan-e2e.test';
  let repContactId = '';

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(managerA, 'Manager A', ['sales_manager'], 'Team A');
    await install.addUser(rep, 'Rep A', ['sales_rep'], 'Team A');
    server = await install.startServer();
    browser = await launchBrowser();
    // 120 accounts to page through, and a contact the rep owns.
    const a = await signedIn(managerA, 'en');
    for (let i = 0; i < 120; i += 1) {
      const account = await apiCall(a.context, 'POST', '/api/v1/accounts', { name: `Paging Account ${String(i).padStart(3, '0')}`, kind: 'advertiser' });
      expect(account.status, JSON.stringify(account.json)).toBe(201);
    }
    await a.context.close();
    const r = await signedIn(rep, 'en');
    const own = await apiCall(r.context, 'POST', '/api/v1/contacts', { name: 'Rep Customer' });
    expect(own.status).toBe(201);
    repContactId = String(own.json.id);
    await r.context.close();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
  });

  it.each<Lang>(['zh', 'en'])('creates a contact through the form: the API message on the invalid field, nothing lost, then saved (%s)', async (lang) => {
    const { context, page, problems } = await signedIn(managerA, lang);
    try {
      await page.goto(`${server.url}/contacts/new`);
      await appReady(page);
      const name = `Form Person ${lang}`;
      await page.getByTestId('field-name').fill(name);
      await page.getByTestId('field-jobTitle').fill('Media buyer');
      await page.getByTestId('field-email').fill('not-an-email');
      await page.getByTestId('record-save').click();
      const email = page.getByTestId('field-email');
      await poll(() => email.getAttribute('aria-invalid')).toBe('true');
      const described = (await email.getAttribute('aria-describedby')) ?? '';
      const errorId = described.split(' ').find((id) => id.endsWith('-error')) ?? '';
      expect(await page.locator(`[id="${errorId}"]`).textContent()).toContain('must be an e-mail address');
      expect(await page.getByTestId('field-name').inputValue()).toBe(name);
      expect(await page.getByTestId('field-jobTitle').inputValue()).toBe('Media buyer');
      await expectAccessible(page, `contact form with an error ${lang}`);
      await screenshot(page, `records-form-${lang}`);
      await email.fill(`form.person.${lang}@example.com`);
      await page.getByTestId('record-save').click();
      await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
      await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
      await page.getByTestId('detail-email').waitFor();
      expect(await page.getByTestId('detail-jobTitle').textContent()).toContain('Media buyer');
      // One record, however often the button was pressed.
      const found = await apiCall(context, 'POST', '/api/v1/contacts/search', { field: 'name', value: name.split(' ')[2] ?? '' });
      expect((found.json.items ?? []).filter((i: { name?: string }) => i.name === name)).toHaveLength(1);
      await expectAccessible(page, `contact detail ${lang}`);
      await screenshot(page, `records-detail-${lang}`);
      // Delete asks first, then goes back to the list.
      await page.getByTestId('delete-button').click();
      await page.getByTestId('delete-confirm').waitFor();
      await expectAccessible(page, `delete confirmation ${lang}`);
      await page.getByTestId('delete-confirm').click();
      await page.waitForURL(/\/contacts$/);
      const gone = await apiCall(context, 'POST', '/api/v1/contacts/search', { field: 'name', value: name.split(' ')[2] ?? '' });
      expect((gone.json.items ?? []).filter((i: { name?: string }) => i.name === name)).toHaveLength(0);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
  it.each<Lang>(['zh', 'en'])('loads the next page of a list as the person scrolls, and sorts by a column header (%s)', async (lang) => {
    const { context, page, problems } = await signedIn(managerA, lang);
    try {
      await page.goto(`${server.url}/accounts`);
      await appReady(page);
      await page.getByTestId('record-row').first().waitFor();
      const count = page.getByTestId('loaded-count');
      await poll(() => count.textContent()).toContain('50');
      // Virtualised: far fewer rows in the page than loaded.
      expect(await page.getByTestId('record-row').count()).toBeLessThan(50);
      await expectAccessible(page, `accounts list ${lang}`);
      await screenshot(page, `records-list-${lang}`);
      const scroller = page.getByTestId('record-table-scroll');
      for (let i = 0; i < 6; i += 1) {
        await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
        await page.waitForTimeout(300);
      }
      await expect.poll(() => count.textContent(), { timeout: 10_000 }).toMatch(/1[0-9]{2}/);
      await page.getByTestId('sort-name').click();
      await page.waitForURL(/sort=name&order=asc|order=asc&sort=name/);
      await page.getByTestId('sort-name').click();
      await page.waitForURL(/order=desc/);
      await poll(() => page.getByTestId('record-row').first().textContent()).toContain('Paging Account 119');
      expect(await page.locator('th[aria-sort="descending"]').count()).toBe(1);
      // Saved views: save the sort as a view, leave, and pick it again from the menu.
      await page.getByTestId('saved-views').click();
      await page.getByTestId('saved-view-new').click();
      await page.getByTestId('saved-view-name').fill(`Newest ${lang}`);
      await page.getByTestId('saved-view-save').click();
      await page.waitForURL(/view=/);
      await poll(() => page.getByTestId('saved-views').textContent()).toContain(`Newest ${lang}`);
      await page.goto(`${server.url}/accounts`);
      await poll(() => page.getByTestId('record-row').first().textContent()).toContain('Paging Account 000');
      await page.getByTestId('saved-views').click();
      await page
        .getByTestId('saved-view-item')
        .filter({ hasText: `Newest ${lang}` })
        .click();
      await page.waitForURL(/order=desc/);
      await poll(() => page.getByTestId('record-row').first().textContent()).toContain('Paging Account 119');
      // A row is a link, reachable by keyboard.
      await page.getByTestId('record-row').first().getByRole('link').focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/accounts\/[0-9a-f-]{36}$/);
      await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Paging Account 119');
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
  it.each<Lang>(['zh', 'en'])('does not show the buttons a role may not use (%s)', async (lang) => {
    const { context, page, problems } = await signedIn(rep, lang);
    try {
      await page.goto(`${server.url}/contacts/${repContactId}`);
      await appReady(page);
      await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Rep Customer');
      expect(await page.getByTestId('delete-button').count()).toBe(0);
      expect(await page.getByTestId('reveal-button').count()).toBe(0);
      expect(await page.getByTestId('accesses').count()).toBe(0);
      // The sidebar offers only what the role reads: contacts and deals, no service cases or devices.
      await page.locator('a[href="/deals"]').first().waitFor();
      expect(await page.locator('nav a[href="/contacts"]').count()).toBe(1);
      expect(await page.locator('a[href="/cases"]').count()).toBe(0);
      expect(await page.locator('a[href="/devices"]').count()).toBe(0);
      // Editing sends what changed and shows the saved record.
      await page.getByTestId('edit-button').click();
      await page.getByTestId('field-jobTitle').fill(`Producer ${lang}`);
      await page.getByTestId('record-save').click();
      await page.waitForURL(new RegExp(`/contacts/${repContactId}$`));
      await poll(() => page.getByTestId('detail-jobTitle').textContent()).toContain(`Producer ${lang}`);
      await page.goto(`${server.url}/channels`);
      await page.getByTestId('record-table').waitFor();
      expect(await page.getByTestId('new-record').count()).toBe(0);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
