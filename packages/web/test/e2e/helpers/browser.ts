/**
 * Browser tests of the web app: Debian's Chromium driven by playwright-core (never a downloaded
 * browser) against the real, built HTTPS server started as a child process (see the server's
 * test/helpers/server-process.ts). Each test file starts its own install on SQLite, or on
 * PostgreSQL with CASTELLAN_TEST_DB=postgres.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { type APIRequestContext, type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { oathtoolCodeAt } from '../../../../server/test/helpers/totp-codes.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = fileURLToPath(new URL('../../../../../test-artifacts/web/', import.meta.url));

export type Lang = 'zh' | 'en';
export const browserLocale = (lang: Lang) => (lang === 'zh' ? 'zh-CN' : 'en-GB');

let launched = 0;

/**
 * Chromium for the browser tests; CASTELLAN_TEST_NETLOG=DIR writes each browser's network log there (to
 * read a failed load afterwards), in Chromium's default capture mode: events and errors, without
 * cookies or request and response bytes.
 */
export function launchBrowser(): Promise<Browser> {
  const netlogDir = process.env.CASTELLAN_TEST_NETLOG;
  if (netlogDir) mkdirSync(netlogDir, { recursive: true });
  launched += 1;
  const netlog = netlogDir ? [`--log-net-log=${path.join(netlogDir, `netlog-${process.pid}-${launched}.json`)}`] : [];
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      ...netlog,
    ],
  });
}

export interface AppContext {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors (CSP and Trusted Types refusals show here). */
  problems: string[];
}

/** A fresh browser profile (no cookies, empty storage) in the given language, at 1280×800 unless told. */
export async function newAppContext(browser: Browser, lang: Lang, viewport = { width: 1280, height: 800 }): Promise<AppContext> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: browserLocale(lang), viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    // A failed load names its resource only in the message's location: kept, so a failure says which.
    if (message.type() === 'error') problems.push(`console: ${message.text()}${message.location().url ? ` (${message.location().url})` : ''}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  // A CSP refusal names what it refused: the element and the first characters of the style or script.
  await page.exposeFunction('__castellanCspViolation', (text: string) => problems.push(`csp: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const target = event.target instanceof Element ? event.target.outerHTML.slice(0, 120) : String(event.target);
      (window as unknown as { __castellanCspViolation: (t: string) => void }).__castellanCspViolation(
        `${event.violatedDirective} at ${event.documentURI}: ${event.sample} in ${target}`,
      );
    });
  });
  return { context, page, problems };
}

/**
 * Console errors other than the API's own refusals (a 4xx the test provoked shows as a failed load),
 * and Chromium's `net::ERR_TOO_MANY_RETRIES` — a request Chromium gave up re-sending over reused
 * connections on a loaded CI machine (seen on different screens at random, never reproduced alone).
 * It is left out of this check, not fixed: an open item in docs/ARCHITECTURE.md ("Known open problems").
 */
export const unexpectedProblems = (problems: string[]): string[] =>
  problems.filter((p) => !/Failed to load resource: (the server responded with a status of (4\d\d)|net::ERR_TOO_MANY_RETRIES)/.test(p));

interface Json {
  [key: string]: unknown;
}

async function postJson(request: APIRequestContext, baseUrl: string, url: string, body: unknown, csrf?: string): Promise<{ status: number; body: Json }> {
  const response = await request.post(`${baseUrl}${url}`, {
    data: body,
    headers: { accept: 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
  });
  const text = await response.text();
  return { status: response.status(), body: text ? (JSON.parse(text) as Json) : {} };
}

/**
 * Signs a browser context in through the API (its cookie jar is the browser's): password, then the
 * TOTP code. A user without a second factor enrols TOTP first; its secret is returned for later
 * step-ups. Tests of the sign-in screens themselves go through the UI instead.
 */
export async function signInByApi(
  context: BrowserContext,
  baseUrl: string,
  email: string,
  password: string,
  totpSecret?: string,
): Promise<{ totpSecret: string }> {
  const request = context.request;
  const login = await postJson(request, baseUrl, '/api/v1/auth/login', { email, password });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  if (login.body.mfaRequired) {
    if (!totpSecret) throw new Error(`${email} has a second factor: pass its TOTP secret`);
    const mfa = await postJson(request, baseUrl, '/api/v1/auth/mfa', { challengeId: login.body.challengeId, code: await totpCode(totpSecret) });
    expect(mfa.status, JSON.stringify(mfa.body)).toBe(200);
    return { totpSecret };
  }
  const csrf = String(login.body.csrfToken);
  const start = await postJson(request, baseUrl, '/api/v1/me/mfa/totp', {}, csrf);
  expect(start.status, JSON.stringify(start.body)).toBe(200);
  const secret = String(start.body.secret);
  const confirm = await postJson(request, baseUrl, '/api/v1/me/mfa/totp/confirm', { code: await totpCode(secret) }, csrf);
  expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
  return { totpSecret: secret };
}

/** The newest TOTP step this test process has used, per secret. */
const lastStep = new Map<string, number>();

/**
 * A TOTP code the server will take: it refuses any step at or before the last one used (replay
 * protection), so the code is of the current step, else of the next one (which it accepts as clock
 * drift), and only if that step is newer than every step used before; else it waits for a new step.
 */
export async function totpCode(secret: string): Promise<string> {
  for (;;) {
    const now = Math.floor(Date.now() / 30_000);
    for (const offset of [0, 1]) {
      if (now + offset > (lastStep.get(secret) ?? Number.NEGATIVE_INFINITY)) {
        lastStep.set(secret, now + offset);
        return oathtoolCodeAt(secret, (now + offset) * 30 + 15);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** axe-core on the page as it is now: no serious or critical violation. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Let transitions end first: a fading element is measured half-transparent (a false contrast failure).
  await page.evaluate(() => {
    const finite = document.getAnimations().filter((animation) => Number.isFinite(Number(animation.effect?.getComputedTiming().endTime)));
    const settled = Promise.all(finite.map((animation) => animation.finished.catch(() => undefined)));
    return Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 1000))]);
  });
  expect(await axeViolations(page), `axe on ${screen}`).toEqual([]);
}

/**
 * axe-core's serious and critical violations (WCAG 2.1 A and AA) on the page as it is now (or within
 * `include`). axe's CSSOM preload is off: it re-parses the app's stylesheet by writing its text into a
 * <style> element of a scratch document, which inherits the page's CSP and is refused ("Applying
 * inline style violates …", sample ":root,:host{color-scheme…") — a refusal of axe's, not the app's,
 * that made the console-error checks fail at random. It only feeds css-orientation-lock; the app sets
 * no orientation lock.
 */
export async function axeViolations(page: Page, include?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).options({ preload: false });
  const result = await (include ? builder.include(include) : builder).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 5)
          .join(' | ')}`,
    );
}

/** A full-page screenshot written as a test artefact (test-artifacts/web/<name>.png). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, '-')}.png`), fullPage: true });
}

/**
 * Waits for `locator`; when it does not appear, the failure says what the screen showed instead (its
 * alerts and main text) and what went wrong in the page (console errors, failed loads), with a
 * screenshot (`failed-<name>.png`): a timeout alone on a loaded CI machine explains nothing.
 */
export async function waitOrExplain(page: Page, locator: Locator, name: string, problems: string[], timeout: number): Promise<void> {
  try {
    await locator.waitFor({ timeout });
  } catch (error) {
    await screenshot(page, `failed-${name}`).catch(() => undefined);
    const alerts = await page
      .getByRole('alert')
      .allTextContents()
      .catch(() => []);
    const main = await page
      .locator('main')
      .first()
      .innerText({ timeout: 1_000 })
      .catch(() => '');
    const busy = await page
      .locator('.mantine-Loader-root, [aria-busy="true"]')
      .count()
      .catch(() => -1);
    throw new Error(
      `${name}: ${(error as Error).message.split('\n')[0]}\nat ${page.url()}\nalerts: ${JSON.stringify(alerts)}\nmain: ${main.replace(/\s+/g, ' ').slice(0, 1_500)}\nloaders still spinning: ${busy}\nproblems: ${JSON.stringify(problems)}`,
    );
  }
}

/** Waits until the app has rendered its first screen (the language switch is on every screen). */
export async function appReady(page: Page): Promise<void> {
  await page.getByTestId('language-switch').first().waitFor({ state: 'visible', timeout: 45_000 });
}

/**
 * One signed-in browser profile per language for a test file, shared by its tests (each sign-in
 * spends a TOTP code); `signedIn` clears the problems seen so far, `closeAll` ends them.
 */
export function profilesPerLanguage(browser: () => Browser, baseUrl: () => string, email: string, password: string) {
  const apps = new Map<Lang, AppContext>();
  let totpSecret: string | undefined;
  return {
    async signedIn(lang: Lang): Promise<AppContext> {
      const known = apps.get(lang);
      if (known) {
        known.problems.length = 0;
        return known;
      }
      const app = await newAppContext(browser(), lang);
      ({ totpSecret } = await signInByApi(app.context, baseUrl(), email, password, totpSecret));
      apps.set(lang, app);
      return app;
    },
    async closeAll(): Promise<void> {
      for (const app of apps.values()) await app.context.close();
    },
  };
}
