import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_USER_PASSWORD, type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import {
  type AppContext,
  appReady,
  type Lang,
  launchBrowser,
  newAppContext,
  screenshot,
  signInByApi,
  totpCode,
  unexpectedProblems,
} from './helpers/browser.js';
import { navLinks, openFromSidebar, settled } from './quality-tour.helpers.js';

/**
 * What the browser keeps: after a whole working session (sign in, the contacts list, a record opened
 * and revealed, a search, several other screens, sign out) no personal value the test created is in
 * localStorage, sessionStorage, any IndexedDB database, the Cache API, the cookies or an address the
 * page asked for; localStorage holds the language code only; every API answer was `no-store`; after
 * signing out the app shows the sign-in page, also on Back, with none of the data on it.
 */
describe('storage inspection after a full session', () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  const email = 'storage.manager@castellan-e2e.test';
  let totpSecret: string | undefined;
  const people = [
    { name: 'Ysolde Quarrington', email: 'ysolde.quarrington@storage-probe.example', phone: '+86 139 5512 7781', idNumber: '110101199003071234' },
    { name: '欧阳晓曼', email: 'ouyang.xiaoman@storage-probe.example', phone: '+86 137 6634 2290', idNumber: '11010119800101001X' },
    { name: 'Corwin Haldane-Pike', email: 'corwin.haldane@storage-probe.example', phone: '+44 20 7946 0321' },
  ];

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(email, 'Storage Manager', ['sales_manager'], 'Storage Probe Team');
    server = await install.startServer();
    browser = await launchBrowser();
    // The contacts are created through the API by the same person, in a profile of its own.
    const setup = await newAppContext(browser, 'en');
    ({ totpSecret } = await signInByApi(setup.context, server.url, email, E2E_USER_PASSWORD));
    const csrf = (await setup.context.cookies()).find((c) => c.name === 'csrf_token')?.value ?? '';
    for (const person of people) {
      const response = await setup.context.request.post(`${server.url}/api/v1/contacts`, {
        data: person,
        headers: { 'x-csrf-token': csrf, accept: 'application/json' },
      });
      expect(response.status(), await response.text()).toBe(201);
    }
    await setup.context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
  });

  /** Every form of each personal value the page could have kept: as typed, lower-cased, digits only. */
  const needles = (): string[] => {
    const out = new Set<string>();
    for (const person of people) {
      for (const value of Object.values(person)) {
        out.add(value);
        out.add(value.toLowerCase());
        const digits = value.replace(/\D/g, '');
        if (digits.length >= 7) {
          out.add(digits);
          out.add(`+${digits}`);
        }
      }
      for (const part of person.name.split(/[\s-]+/)) if (part.length >= 4) out.add(part);
      out.add(person.email.split('@')[0] as string);
    }
    return [...out];
  };
  const found = (haystack: string): string[] => needles().filter((n) => haystack.includes(n) || haystack.includes(encodeURIComponent(n)));

  /** localStorage, sessionStorage, every IndexedDB database (every store's keys and values) and the Cache API. */
  async function browserStorage(page: Page) {
    return page.evaluate(async () => {
      const dump = (storage: Storage) =>
        Object.fromEntries(Array.from({ length: storage.length }, (_, i) => storage.key(i) as string).map((k) => [k, storage.getItem(k)]));
      const indexed: Record<string, unknown[]> = {};
      for (const info of await indexedDB.databases()) {
        if (!info.name) continue;
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open(info.name as string);
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        for (const store of Array.from(db.objectStoreNames)) {
          const tx = db.transaction(store, 'readonly');
          const all = await new Promise<unknown[]>((resolve, reject) => {
            const keys = tx.objectStore(store).getAllKeys();
            const values = tx.objectStore(store).getAll();
            values.onsuccess = () => resolve([keys.result, values.result]);
            values.onerror = () => reject(values.error);
          });
          indexed[`${info.name}/${store}`] = all;
        }
        db.close();
      }
      const cache: Record<string, string[]> = {};
      for (const name of await caches.keys()) {
        const opened = await caches.open(name);
        cache[name] = [];
        for (const request of await opened.keys()) cache[name].push(`${request.url} ${await ((await opened.match(request))?.text() ?? '')}`);
      }
      return { localStorage: dump(localStorage), sessionStorage: dump(sessionStorage), indexedDB: indexed, cacheApi: cache };
    });
  }

  async function expectNothingPersonalKept(context: BrowserContext, page: Page, when: string) {
    const stored = await browserStorage(page);
    const cookies = await context.cookies();
    for (const [where, content] of Object.entries({ ...stored, cookies })) {
      expect(found(JSON.stringify(content)), `personal values in ${where} ${when}: ${JSON.stringify(content).slice(0, 400)}`).toEqual([]);
    }
    const local = Object.entries(stored.localStorage);
    expect(
      local.every(([key, value]) => key === 'castellan.language' && /^(zh|en)(-[A-Z]{2})?$/.test(String(value))),
      `localStorage holds only the language code ${when}: ${JSON.stringify(stored.localStorage)}`,
    ).toBe(true);
    return stored;
  }

  it.each<Lang>(['zh', 'en'])('keeps no personal value in the browser and every API answer is no-store (%s)', async (lang) => {
    const app: AppContext = await newAppContext(browser, lang, { width: 1280, height: 800 });
    const { context, page, problems } = app;
    const requested: string[] = [];
    const apiResponses: Response[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/api/')) apiResponses.push(response);
    });
    try {
      // Sign in on the sign-in page: e-mail, password, then the authenticator code.
      await page.goto(`${server.url}/`);
      await page.waitForURL(/\/sign-in/, { timeout: 15_000 });
      await page.getByTestId('sign-in-email').fill(email);
      await page.getByTestId('sign-in-password').fill(E2E_USER_PASSWORD);
      await page.getByTestId('sign-in-submit').click();
      await page.getByTestId('totp-code').fill(await totpCode(totpSecret as string));
      await page
        .getByTestId('second-factor-submit')
        .click({ timeout: 3000 })
        .catch(() => undefined); // a full code may submit by itself
      await page.waitForURL((url) => url.pathname === '/', { timeout: 20_000 });
      await appReady(page);
      await settled(page, 'home');
      const links = await navLinks(page);
      expect(links, 'a sales manager sees the contacts list').toContain('/contacts');

      // The contacts list shows the people the test created.
      await openFromSidebar(page, '/contacts');
      await settled(page, 'contacts');
      const main = page.locator('main');
      await main
        .getByText(people[0]?.name as string)
        .first()
        .waitFor({ timeout: 20_000 });

      // Search for one of them by e-mail (the value goes in a POST body, never the address).
      await page.getByTestId('search-field').click();
      await page
        .getByRole('option', { name: /mail|邮/i })
        .first()
        .click();
      await page.getByTestId('search-value').fill(people[1]?.email as string);
      await page.getByTestId('search-submit').click();
      await main
        .getByText(people[1]?.name as string)
        .first()
        .waitFor({ timeout: 20_000 });
      expect(await main.getByText(people[0]?.name as string).count(), 'the search shows only the match').toBe(0);

      // Open the record and reveal its masked ID number: reason, then the step-up code if asked.
      await main
        .getByRole('link', { name: people[1]?.name as string })
        .first()
        .click();
      await page.waitForURL(/\/contacts\/[0-9a-f-]{36}/, { timeout: 10_000 });
      await settled(page, 'contact');
      expect(await main.getByText(people[1]?.idNumber as string).count(), 'the ID number is masked before the reveal').toBe(0);
      await page.getByTestId('reveal-button').click();
      const dialog = page.getByTestId('reveal-dialog');
      await page.getByTestId('reveal-reason').click();
      await page.getByRole('option').first().click();
      await dialog.getByTestId('reveal-confirm').click();
      const revealedId = main.getByText(people[1]?.idNumber as string).first();
      const stepUp = page.getByTestId('step-up');
      await Promise.race([revealedId.waitFor({ timeout: 20_000 }), stepUp.waitFor({ timeout: 20_000 })]);
      if (await stepUp.isVisible()) {
        await page.getByTestId('step-up-code').locator('input').first().click();
        await page.keyboard.type(await totpCode(totpSecret as string));
      }
      await revealedId.waitFor({ timeout: 20_000 });
      // The control: the values the storage checks look for are on the page now.
      expect(found(await page.content())).toEqual(expect.arrayContaining([people[1]?.idNumber, people[1]?.name]));
      await screenshot(page, `storage-revealed-${lang}`);

      // Several other screens.
      for (const href of links.filter((h) => h !== '/contacts').slice(0, 6)) {
        await openFromSidebar(page, href);
        await settled(page, href);
      }
      await expectNothingPersonalKept(context, page, 'during the session');

      // Every API answer the page received said no-store (those with personal data above all).
      expect(apiResponses.length).toBeGreaterThan(3);
      const cacheable = apiResponses.filter((r) => !/no-store/.test(r.headers()['cache-control'] ?? '')).map((r) => `${r.request().method()} ${r.url()}`);
      expect(cacheable, 'API answers without Cache-Control: no-store').toEqual([]);
      // No personal value in any address the page asked for (searches go in bodies).
      expect(requested.filter((url) => found(url).length > 0)).toEqual([]);

      // Sign out: the sign-in page, none of the data in the page, also after Back and on a deep link.
      await page.getByTestId('sign-out').click();
      await page.waitForURL(/\/sign-in/, { timeout: 10_000 });
      const bodyText = async () => (await page.locator('body').textContent()) ?? '';
      expect(found(await page.content())).toEqual([]);
      await page.goBack();
      await page.waitForURL(/\/sign-in/, { timeout: 10_000 });
      expect(found(await page.content()), 'personal values in the page after sign-out and Back').toEqual([]);
      await page.goto(`${server.url}/contacts`);
      await page.waitForURL(/\/sign-in/, { timeout: 10_000 });
      await appReady(page);
      expect(found(await bodyText())).toEqual([]);
      await expectNothingPersonalKept(context, page, 'after signing out');
      expect(
        (await context.cookies()).filter((c) => /session/i.test(c.name) && c.value !== '').map((c) => c.name),
        'session cookies after sign-out',
      ).toEqual([]);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
