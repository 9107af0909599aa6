import { type Browser, request as playwrightRequest } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { appReady, expectAccessible, type Lang, launchBrowser, newAppContext, screenshot, signInByApi, unexpectedProblems } from './helpers/browser.js';

/**
 * The web app is what `castellan serve` answers at `/`: the built shell with a strict CSP (nonce for
 * Mantine's style elements, Trusted Types required), the signed-in frame in both languages, and
 * "not found" for an address the app does not know — with no CSP or Trusted Types refusal on the way.
 */
describe('web app shell', () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  let totpSecret: string | undefined;

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    server = await install.startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
  });

  it('serves the app at / with a strict Content-Security-Policy and Trusted Types', async () => {
    const http = await playwrightRequest.newContext({ ignoreHTTPSErrors: true });
    const response = await http.get(`${server.url}/`, { headers: { accept: 'text/html' } });
    expect(response.status()).toBe(200);
    const csp = response.headers()['content-security-policy'] ?? '';
    for (const directive of ["script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "require-trusted-types-for 'script'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    const html = await response.text();
    expect(html).toContain(`nonce="${nonce}"`);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    const again = await http.get(`${server.url}/contacts/123`, { headers: { accept: 'text/html' } });
    expect(again.status()).toBe(200);
    expect(again.headers()['content-security-policy']).not.toContain(`'nonce-${nonce}'`);
    const api = await http.get(`${server.url}/api/v1/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api.status()).toBe(404);
    expect((await api.json()).error.code).toBe('not_found');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const script = await http.get(`${server.url}${asset}`);
    expect(script.status()).toBe(200);
    expect(script.headers()['cache-control']).toContain('immutable');
    await http.dispose();
  });

  it.each<Lang>(['zh', 'en'])('signs in and shows the signed-in frame in %s, with "not found" for an unknown address', async (lang) => {
    const { context, page, problems } = await newAppContext(browser, lang);
    try {
      ({ totpSecret } = await signInByApi(context, server.url, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, totpSecret));
      await page.goto(`${server.url}/`);
      await appReady(page);
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe(lang === 'zh' ? 'zh-CN' : 'en-GB');
      await page.getByRole('heading', { level: 1 }).waitFor();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(lang === 'zh' ? '欢迎' : 'Welcome');
      await expectAccessible(page, `home ${lang}`);
      await screenshot(page, `home-${lang}`);
      await page.goto(`${server.url}/no/such/screen`);
      await page.getByTestId('not-found').waitFor();
      await expectAccessible(page, `not found ${lang}`);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
  it('fetches the stylesheet again when its first load failed, so the screens are styled without a reload', async () => {
    const { context, page, problems } = await newAppContext(browser, 'en');
    try {
      ({ totpSecret } = await signInByApi(context, server.url, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, totpSecret));
      const stylesheet = /\/assets\/index-[\w-]+\.css$/;
      let fetched = 0;
      await page.route(stylesheet, async (route) => {
        fetched += 1;
        return fetched === 1 ? route.abort('failed') : route.continue();
      });
      await page.goto(`${server.url}/`);
      await appReady(page);
      // Chromium keeps a sheet whose rules may not be read for a failed load: wait for one whose rules are there.
      const styled = (source: string) =>
        [...document.styleSheets].some((s) => {
          try {
            return new RegExp(source).test(s.href ?? '') && s.cssRules.length > 0;
          } catch {
            return false;
          }
        });
      await page.waitForFunction(styled, stylesheet.source, { timeout: 30_000 });
      expect(fetched).toBe(2);
      // Mantine's own rules apply (its reset takes the body's margin away).
      expect(await page.evaluate(() => getComputedStyle(document.body).margin)).toBe('0px');
      expect(unexpectedProblems(problems).filter((p) => !/index-[\w-]+\.css|ERR_FAILED/.test(p))).toEqual([]);
    } finally {
      await context.close();
    }
  });
  it('fetches a page\'s code again after a failed load (zh), and shows a translated "could not load" with a working "Try again" when it cannot (en)', async () => {
    const profileCode = /\/assets\/ProfilePage-[\w-]+\.js$/;
    for (const lang of ['zh', 'en'] as const) {
      const { context, page, problems } = await newAppContext(browser, lang);
      try {
        ({ totpSecret } = await signInByApi(context, server.url, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, totpSecret));
        // zh: the first two fetches of the profile page's code fail; en: every fetch does, until let through.
        // net::ERR_FAILED, which Chromium does not re-send by itself (a reset connection it does), so each
        // fetch counted here is one the app made.
        let fetched = 0;
        let letThrough = false;
        await page.route(profileCode, async (route) => {
          fetched += 1;
          if (letThrough || (lang === 'zh' && fetched > 2)) return route.continue();
          return route.abort('failed');
        });
        await page.goto(`${server.url}/me/profile`);
        await appReady(page);
        const title = lang === 'zh' ? '我的资料' : 'My profile';
        if (lang === 'zh') {
          await page.getByRole('heading', { level: 1, name: title }).waitFor({ timeout: 30_000 });
          expect(fetched).toBe(3); // two failed, the second retry loaded it
        } else {
          const failed = page.getByTestId('page-load-failed');
          await failed.waitFor({ timeout: 30_000 });
          expect(await failed.textContent()).toContain('could not load');
          expect(fetched).toBe(4); // the first try and its three retries
          await expect(page.getByTestId('language-switch').first().isVisible()).resolves.toBe(true); // the menu stays
          await expectAccessible(page, 'page load failed en');
          await screenshot(page, 'page-load-failed-en');
          letThrough = true;
          await page.getByTestId('page-load-retry').click();
          await appReady(page);
          await page.getByRole('heading', { level: 1, name: title }).waitFor({ timeout: 30_000 });
        }
        // Each cut-off fetch logs a failed load in the console; nothing else may go wrong.
        expect(unexpectedProblems(problems).filter((p) => !/ProfilePage|Failed to fetch dynamically imported module|ERR_FAILED/.test(p))).toEqual([]);
      } finally {
        await context.close();
      }
    }
  }, 120_000); // two languages, each up to three retries 0.5 + 2 + 5 s apart, on a loaded CI machine
});
