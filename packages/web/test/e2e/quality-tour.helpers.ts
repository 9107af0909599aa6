/**
 * Shared steps of the cross-cutting browser tests (quality-*.e2e.test.ts): the demo organisation's
 * staff signed in per role, and the checks every screen must pass — read from the app itself (the
 * sidebar's links), so a screen another feature adds is toured without touching these tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import {
  E2E_ADMIN_EMAIL,
  E2E_ADMIN_PASSWORD,
  E2E_USER_PASSWORD,
  type E2eInstall,
  initInstall,
  type ServerProcess,
} from '../../../server/test/helpers/server-process.js';
import {
  type AppContext,
  appReady,
  axeViolations,
  type Lang,
  launchBrowser,
  newAppContext,
  screenshot,
  signInByApi,
  unexpectedProblems,
} from './helpers/browser.js';

export interface DemoStaffLink {
  role: string;
  email: string;
  token: string;
}

/** `castellan demo --scale <scale>`: the staff it prints, one enrolment link per account. */
export async function loadDemo(install: E2eInstall, scale = '0.05'): Promise<DemoStaffLink[]> {
  const result = await install.cliOk(['demo', '--scale', scale, '--seed', '7'], {}, { timeoutMs: 180_000 });
  const staff: DemoStaffLink[] = [];
  for (const match of result.stdout.matchAll(/^\s+([a-z_]+)\s+(\S+@\S+)\s+\S*#token=(\S+)\s*$/gm)) {
    staff.push({ role: match[1] as string, email: match[2] as string, token: match[3] as string });
  }
  expect(staff.length, `demo staff printed by castellan demo:\n${result.stdout}`).toBeGreaterThanOrEqual(8);
  return staff;
}

/** Redeems an enrolment link the way the /enrol page does (POST /api/v1/auth/enrol): the account's first password. */
export async function redeemLink(baseUrl: string, browser: Browser, token: string, password = E2E_USER_PASSWORD): Promise<void> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  try {
    const response = await context.request.post(`${baseUrl}/api/v1/auth/enrol`, {
      data: { token, newPassword: password },
      headers: { accept: 'application/json' },
    });
    expect(response.status(), await response.text()).toBe(204);
  } finally {
    await context.close();
  }
}

export interface StaffSession {
  email: string;
  password: string;
  totpSecret?: string;
}

/** A fresh profile in `lang` at `viewport`, signed in as `staff` (enrolling TOTP the first time), on `/`. */
export async function signedInContext(
  browser: Browser,
  baseUrl: string,
  staff: StaffSession,
  lang: Lang,
  viewport = { width: 1280, height: 800 },
): Promise<AppContext> {
  const app = await newAppContext(browser, lang, viewport);
  const { totpSecret } = await signInByApi(app.context, baseUrl, staff.email, staff.password, staff.totpSecret);
  staff.totpSecret = totpSecret;
  await app.page.goto(`${baseUrl}/`);
  await appReady(app.page);
  return app;
}

// ---- reading the screen ----------------------------------------------------------------------

/** The sidebar's links, as the page shows them (only what this person's permissions allow). */
export async function navLinks(page: Page): Promise<string[]> {
  const hrefs = await page.locator('.mantine-AppShell-navbar a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  return [...new Set(hrefs.filter((href) => href.startsWith('/')))];
}

/**
 * Waits until the screen is at rest — an h1 shown, no loader, and nothing changing for 300 ms — and
 * returns the h1's text; there must be exactly one h1.
 */
export async function settled(page: Page, what: string, problems: string[] = []): Promise<string> {
  const deadline = Date.now() + 20_000;
  let last = '';
  let since = Date.now();
  for (;;) {
    const state = await page.evaluate(() => {
      const shown = [...document.querySelectorAll('h1')].filter((h) => (h as HTMLElement).offsetParent !== null || h.getClientRects().length > 0);
      return {
        h1: shown.map((h) => h.textContent ?? ''),
        busy: document.querySelectorAll('.mantine-Loader-root, [aria-busy="true"]').length,
        size: document.querySelector('main')?.textContent?.length ?? 0,
      };
    });
    const key = JSON.stringify(state);
    if (key !== last) {
      last = key;
      since = Date.now();
    }
    const atRest = state.h1.length > 0 && state.busy === 0 && Date.now() - since >= 300;
    if (atRest || (Date.now() > deadline && state.h1.length > 0)) {
      expect(state.h1.length, `one h1 on ${what}: ${state.h1.join(' | ')}`).toBe(1);
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      return (state.h1[0] ?? '').trim();
    }
    if (Date.now() > deadline) {
      await screenshot(page, `failed-${what}`);
      const text = ((await page.locator('#root').textContent()) ?? '').slice(0, 300);
      throw new Error(`${what} (${page.url()}) shows no h1 within 20 s: "${text}"; console: ${problems.slice(-3).join(' / ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The language the switch shows as chosen. */
export async function currentLang(page: Page): Promise<Lang> {
  const lang = await page.locator('html').getAttribute('lang');
  return lang?.startsWith('zh') ? 'zh' : 'en';
}

/** Switches language with the switch on the screen and waits until the page's language has changed. */
export async function switchLanguage(page: Page, to: Lang): Promise<void> {
  await page
    .getByTestId('language-switch')
    .first()
    .getByText(to === 'zh' ? '中文' : 'English', { exact: true })
    .click();
  await page.waitForFunction((want) => document.documentElement.lang.startsWith(want), to, { timeout: 10_000 });
}

const LOCALES = fileURLToPath(new URL('../../src/locales/', import.meta.url));

/** Every i18n namespace and every key (flattened, `a.b.c`) of the app's locale files. */
export function localeKeys(): { namespaces: string[]; keys: Set<string> } {
  const namespaces = new Set<string>();
  const keys = new Set<string>();
  const walk = (prefix: string, value: unknown) => {
    if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
    else keys.add(prefix.replace(/_(zero|one|two|few|many|other)$/, ''));
  };
  for (const lang of readdirSync(LOCALES)) {
    for (const file of readdirSync(`${LOCALES}${lang}`).filter((f) => f.endsWith('.json'))) {
      namespaces.add(file.replace(/\.json$/, ''));
      walk('', JSON.parse(readFileSync(`${LOCALES}${lang}/${file}`, 'utf8')));
    }
  }
  return { namespaces: [...namespaces], keys };
}

/**
 * Raw i18n keys on the page: `namespace:key` or `namespace.key` anywhere in the visible text, or a
 * text node that is exactly a key of the locale files or looks like one (i18next shows the key,
 * without its namespace, when a translation is missing).
 */
export async function rawKeysOnPage(page: Page): Promise<string[]> {
  const { namespaces, keys } = localeKeys();
  const texts = await page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      const parent = node.parentElement;
      // Identifiers a screen shows on purpose (an audit event's type) are marked as code.
      if (!text || !parent || parent.closest('script, style, code, kbd, samp')) continue;
      out.push(text);
    }
    for (const element of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
      for (const attribute of ['aria-label', 'placeholder', 'title']) {
        const value = element.getAttribute(attribute)?.trim();
        if (value) out.push(value);
      }
    }
    out.push(document.title);
    return out;
  });
  const nsPattern = new RegExp(`(^|[^\\w@/.-])(${namespaces.join('|')})[:.][a-z][\\w.-]*`, 'i');
  const looksLikeKey = /^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9_]*)+$/;
  const domain = /\.(com|cn|net|org|example|test|uk|io|tv|de|fr|jp|hk|local)$/;
  // A bare word that is also a top-level key ("title", "chart") is a word: a missing translation shows
  // its whole path, which has a dot.
  return texts.filter((text) => nsPattern.test(text) || (keys.has(text) && text.includes('.')) || (looksLikeKey.test(text) && !domain.test(text)));
}

/** True when the page scrolls sideways (wider than the window). */
export async function scrollsSideways(page: Page): Promise<{ scrollWidth: number; clientWidth: number } | undefined> {
  const size = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
  return size.scrollWidth > size.clientWidth + 1 ? size : undefined;
}

/** A screen's address with record ids replaced, to see one kind of screen once (`/contacts/:id`). */
export const screenKind = (href: string): string =>
  href
    .split(/[?#]/)[0]!
    .replace(/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/gi, '/:id')
    .replace(/\/\d+(?=\/|$)/g, '/:n');

// ---- the tour --------------------------------------------------------------------------------

export interface TourProblem {
  screen: string;
  problem: string;
}

/**
 * Checks the screen on the page now, in its current language and then in the other one (switched
 * with the switch on the screen): one h1, the text changes with the language (the h1 too when
 * `h1MustChange`), no raw i18n key, no sideways scrolling, no console error (CSP and Trusted Types
 * refusals show there); axe and a screenshot in both languages when `full`. The checks are soft: the
 * test goes on and reports every screen's problems at the end.
 */
export async function checkScreen(
  app: AppContext,
  screen: string,
  options: { full: boolean; h1MustChange: boolean; shotName: string; bothLanguages: boolean; wholePage: boolean },
): Promise<void> {
  const { page, problems } = app;
  const before = problems.length;
  const first = await currentLang(page);
  const second: Lang = first === 'zh' ? 'en' : 'zh';
  const mainText = () => page.locator('main').textContent();
  const h1First = await settled(page, `${screen} (${first})`, problems);
  const textFirst = await mainText();
  await checkInLanguage(app, screen, first, options);
  if (options.bothLanguages) {
    await switchLanguage(page, second);
    await page.waitForFunction((previous) => document.querySelector('main')?.textContent !== previous, textFirst, { timeout: 10_000 }).catch(() => undefined);
    const h1Second = await settled(page, `${screen} (${second})`, problems);
    expect.soft(await mainText(), `${screen}: the text changes from ${first} to ${second}`).not.toBe(textFirst);
    if (options.h1MustChange) expect.soft(h1Second, `${screen}: the h1 changes from ${first} to ${second}`).not.toBe(h1First);
    await checkInLanguage(app, screen, second, options);
  }
  expect.soft(unexpectedProblems(problems.slice(before)), `console errors on ${screen}`).toEqual([]);
}

async function checkInLanguage(app: AppContext, screen: string, lang: Lang, options: { full: boolean; shotName: string; wholePage: boolean }): Promise<void> {
  const { page } = app;
  expect.soft(await rawKeysOnPage(page), `raw i18n keys on ${screen} (${lang})`).toEqual([]);
  expect.soft(await scrollsSideways(page), `${screen} (${lang}) scrolls sideways at ${page.viewportSize()?.width} px`).toBeUndefined();
  if (options.full) {
    // The same rules as expectAccessible (helpers/browser.ts), soft like the checks above; the frame
    // (header, sidebar) is the same on every screen and is checked whole on the start page.
    expect.soft(await axeViolations(page, options.wholePage ? undefined : 'main'), `axe on ${screen} (${lang})`).toEqual([]);
    await screenshot(page, `${options.shotName}-${lang}`);
  }
}

/** The links of the page's main area to screens under `href` (a list's records, its "new" form). */
export async function subScreenLinks(page: Page, href: string): Promise<string[]> {
  const hrefs = await page.locator(`main a[href^="${href}/"]`).evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  return [...new Set(hrefs)];
}

/** Moves the pointer off every control, so the checks see the screen at rest rather than a hover state. */
export const restMouse = (page: Page): Promise<void> => page.mouse.move((page.viewportSize()?.width ?? 1024) - 2, (page.viewportSize()?.height ?? 768) - 2);

/** Follows the sidebar link to `href` (a click, as a person would) and waits for the address to change. */
export async function openFromSidebar(page: Page, href: string): Promise<void> {
  await page.locator(`.mantine-AppShell-navbar a[href="${href}"]`).first().click();
  await page.waitForURL((url) => url.pathname === href.split(/[?#]/)[0], { timeout: 10_000 });
  await restMouse(page);
}

/**
 * One person's tour: the start page, every sidebar entry, and on each list one record and its "new"
 * form when the list links to them. A kind of screen already given the full checks (axe and
 * screenshots) in this file is still visited and checked, only without them, to keep the file short.
 */
export async function tour(app: AppContext, who: string, fullyChecked: Set<string>): Promise<string[]> {
  const { page } = app;
  const visited: string[] = [];
  const visit = async (href: string, kindOfScreen: 'start' | 'entry' | 'sub') => {
    const kind = screenKind(href);
    const full = !fullyChecked.has(kind);
    fullyChecked.add(kind);
    await checkScreen(app, `${who} ${href}`, {
      full,
      h1MustChange: kindOfScreen !== 'sub',
      shotName: `tour${kind === '/' ? '-home' : kind}`,
      // Sidebar entries in both languages; a record or form (whose h1 may be a name) in the language
      // the tour is in then, which alternates from screen to screen.
      bothLanguages: kindOfScreen !== 'sub',
      wholePage: kindOfScreen === 'start',
    });
    visited.push(kind);
  };
  await visit('/', 'start');
  const links = await navLinks(page);
  expect(links.length, `${who}: the sidebar shows entries`).toBeGreaterThan(0);
  for (const href of links) {
    await openFromSidebar(page, href);
    await visit(href, 'entry');
    const subs = await subScreenLinks(page, href);
    const record = subs.find((s) => !s.endsWith('/new') && !fullyChecked.has(screenKind(s)));
    const create = subs.find((s) => s.endsWith('/new') && !fullyChecked.has(screenKind(s)));
    const todo = [create, record].filter((s): s is string => s !== undefined);
    for (const [index, sub] of todo.entries()) {
      if (index > 0) {
        await openFromSidebar(page, href);
        await settled(page, `${who} ${href}`);
      }
      await page.locator(`main a[href="${sub}"]`).first().click();
      await page.waitForURL((url) => url.pathname === sub.split(/[?#]/)[0], { timeout: 10_000 });
      await restMouse(page);
      await visit(sub, 'sub');
    }
  }
  return visited;
}

/**
 * A test file touring the app as each of `roles` (the first administrator for `system_admin`, the demo
 * organisation's staff for the others, each through their enrolment link), at 1024×768, starting in
 * Chinese for one person and English for the next.
 */
export function describeTour(title: string, roles: readonly string[]): void {
  describe(title, () => {
    let install: E2eInstall;
    let server: ServerProcess;
    let browser: Browser;
    const staff = new Map<string, StaffSession>();
    const fullyChecked = new Set<string>();

    beforeAll(async () => {
      install = await initInstall({ dialect: e2eDialect });
      const links = await loadDemo(install);
      server = await install.startServer();
      browser = await launchBrowser();
      staff.set('system_admin', { email: E2E_ADMIN_EMAIL, password: E2E_ADMIN_PASSWORD });
      for (const role of roles) {
        if (role === 'system_admin') continue;
        const link = links.find((l) => l.role === role);
        expect(link, `castellan demo prints an account for ${role}`).toBeDefined();
        await redeemLink(server.url, browser, (link as DemoStaffLink).token);
        staff.set(role, { email: (link as DemoStaffLink).email, password: E2E_USER_PASSWORD });
      }
    }, 240_000);
    afterAll(async () => {
      await browser?.close();
      await install?.cleanup();
    });

    it.each(roles.map((role, index) => [role, index % 2 === 0 ? 'zh' : 'en'] as const))(
      '%s: every screen of the sidebar in both languages (starting in %s) — one h1, translated, axe-clean, no console error, no sideways scroll at 1024×768',
      async (role, lang) => {
        const app = await signedInContext(browser, server.url, staff.get(role) as StaffSession, lang, { width: 1024, height: 768 });
        try {
          const visited = await tour(app, role, fullyChecked);
          expect(visited.length).toBeGreaterThan(1);
        } finally {
          await app.context.close();
        }
      },
      // A sales manager's sidebar holds some thirty entries; on the shared 2-CPU machine their tour takes minutes.
      600_000,
    );
  });
}
