import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_USER_PASSWORD, type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import {
  appReady,
  expectAccessible,
  type Lang,
  launchBrowser,
  newAppContext,
  screenshot,
  signInByApi,
  totpCode,
  unexpectedProblems,
} from './helpers/browser.js';
import { settled } from './quality-tour.helpers.js';

/** What has the keyboard focus now, and whether a sighted person can see where it is. */
interface Focused {
  tag: string;
  href: string | null;
  type: string | null;
  role: string | null;
  label: string;
  visible: boolean;
  insideForm: boolean;
  id: string;
}

const focused = (page: Page): Promise<Focused> =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: 'body', href: null, type: null, role: null, label: '', visible: false, insideForm: false, id: '' };
    // A radio or checkbox is often visually hidden and its label shows the focus ring instead.
    const candidates = [
      el,
      ...Array.from((el as HTMLInputElement).labels ?? []),
      ...(el.matches('input[type="radio"], input[type="checkbox"]') && el.nextElementSibling ? [el.nextElementSibling] : []),
    ];
    const ringOf = (node: Element) => {
      const style = getComputedStyle(node);
      return (style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0) || (style.boxShadow !== 'none' && style.boxShadow !== '');
    };
    const ring = candidates.some(ringOf);
    const field = el.matches('input:not([type="radio"]):not([type="checkbox"]), textarea, select, [contenteditable="true"]');
    const box = candidates.map((node) => node.getBoundingClientRect()).find((b) => b.width > 1 && b.height > 1) ?? el.getBoundingClientRect();
    const labelledBy = el.getAttribute('aria-labelledby');
    const label = el.getAttribute('aria-label') ?? (labelledBy ? (document.getElementById(labelledBy)?.textContent ?? '') : '');
    const ownLabel = (el as HTMLInputElement).labels?.[0]?.textContent ?? '';
    if (!el.dataset.kbId) el.dataset.kbId = String(Math.random()).slice(2);
    return {
      tag: el.tagName.toLowerCase(),
      href: el.getAttribute('href'),
      type: el.getAttribute('type'),
      role: el.getAttribute('role'),
      label: (label || ownLabel || el.textContent || '').trim(),
      // Focus is visible: a focus ring (outline or box shadow) on :focus-visible, or a text field
      // (which shows the caret and its focused border) that is on screen.
      visible: el.matches(':focus-visible') && (ring || field) && box.width > 0 && box.height > 0,
      insideForm: !!el.closest('form'),
      id: el.dataset.kbId,
    };
  });

/** Presses Tab until `want` holds for the focused element (which may already be focused); each stop must show its focus. */
async function tabTo(page: Page, what: string, want: (f: Focused) => boolean, options: { max?: number; seen?: Focused[] } = {}): Promise<Focused> {
  const already = await focused(page);
  if (already.tag !== 'body' && want(already)) {
    expect(already.visible, `focus is visible on ${already.tag} "${already.label}" (${what})`).toBe(true);
    options.seen?.push(already);
    return already;
  }
  for (let i = 0; i < (options.max ?? 80); i += 1) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now.tag !== 'body') {
      expect(now.visible, `focus is visible on ${now.tag} "${now.label}" while tabbing to ${what}`).toBe(true);
      options.seen?.push(now);
    }
    if (want(now)) return now;
  }
  throw new Error(`Tab never reached ${what}`);
}

/**
 * A working flow without the mouse: sign in (password, then the authenticator code), the contacts
 * list from the sidebar, a record, the list again, the "new contact" form filled and submitted — Tab, Shift+Tab,
 * Enter, Space and arrows only. Every stop of the focus is visible, and Tab reaches every control of
 * the form.
 */
describe('keyboard only', () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  const email = 'keyboard.rep@castellan-e2e.test';
  let totpSecret: string;

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(email, 'Keyboard Rep', ['sales_rep'], 'Keyboard Team');
    server = await install.startServer();
    browser = await launchBrowser();
    // First sign-in (and TOTP enrolment) through the API; the test signs in again by keyboard.
    const setup = await newAppContext(browser, 'en');
    ({ totpSecret } = await signInByApi(setup.context, server.url, email, E2E_USER_PASSWORD));
    const csrf = (await setup.context.cookies()).find((c) => c.name === 'csrf_token')?.value ?? '';
    const made = await setup.context.request.post(`${server.url}/api/v1/contacts`, {
      data: { name: 'Ingram Taverly', email: 'ingram.taverly@keyboard-probe.example', phone: '+86 138 1234 5678' },
      headers: { 'x-csrf-token': csrf, accept: 'application/json' },
    });
    expect(made.status(), await made.text()).toBe(201);
    await setup.context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
  });

  it.each<Lang>(['en', 'zh'])('signs in, opens a contact and creates one with the keyboard alone (%s)', async (lang) => {
    const { context, page, problems } = await newAppContext(browser, lang, { width: 1024, height: 768 });
    try {
      await page.goto(`${server.url}/contacts`);
      await page.waitForURL(/\/sign-in/, { timeout: 15_000 });
      await appReady(page);

      // Sign in: e-mail, password, Enter; then the authenticator code.
      await tabTo(page, 'the e-mail field', (f) => f.tag === 'input' && (f.type === 'email' || /mail|邮箱/i.test(f.label)));
      await page.keyboard.type(email);
      await tabTo(page, 'the password field', (f) => f.tag === 'input' && f.type === 'password', { max: 5 });
      await page.keyboard.type(E2E_USER_PASSWORD);
      await page.keyboard.press('Enter');
      const code = page.locator('input[autocomplete="one-time-code"], input[inputmode="numeric"]').first();
      await code.waitFor({ timeout: 15_000 });
      const onCode = await focused(page);
      if (!(onCode.tag === 'input' && onCode.insideForm)) await tabTo(page, 'the code field', (f) => f.tag === 'input', { max: 10 });
      await page.keyboard.type(await totpCode(totpSecret));
      await page.keyboard.press('Enter').catch(() => undefined);
      // Back where the person was going: the contacts list.
      await page.waitForURL((url) => url.pathname === '/contacts', { timeout: 20_000 });
      await settled(page, 'contacts');
      const main = page.locator('main');
      await main.getByText('Ingram Taverly').first().waitFor({ timeout: 20_000 });

      // The sidebar entry is reachable by Tab and followed with Enter.
      await tabTo(page, 'the contacts entry of the sidebar', (f) => f.tag === 'a' && f.href === '/contacts');
      await page.keyboard.press('Enter');
      await settled(page, 'contacts');

      // A record: Tab to its link, Enter.
      await tabTo(page, 'a contact of the list', (f) => f.tag === 'a' && !!f.href && /^\/contacts\/[0-9a-f-]{36}$/.test(f.href));
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/, { timeout: 10_000 });
      expect(await settled(page, 'contact')).toContain('Ingram Taverly');
      // Back to the list through the sidebar (Tab wraps round to it).
      await tabTo(page, 'the contacts entry of the sidebar, from the record', (f) => f.tag === 'a' && f.href === '/contacts', { max: 200 });
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.pathname === '/contacts', { timeout: 10_000 });
      await settled(page, 'contacts');

      // The "new contact" form: Tab to its link or button, Enter.
      await tabTo(
        page,
        'the new-contact action',
        (f) => (f.tag === 'a' && f.href === '/contacts/new') || (f.tag === 'button' && /new|create|add|新建|创建|添加/i.test(f.label)),
      );
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.pathname === '/contacts/new', { timeout: 10_000 });
      await settled(page, 'new contact');
      const form = page.locator('main form:has(button[type="submit"])').last();
      await form.waitFor({ timeout: 10_000 });
      const controls = await form
        .locator('input:not([type="hidden"]):not([disabled]), textarea:not([disabled]), select:not([disabled]), button:not([disabled])')
        .evaluateAll((els) =>
          els
            .filter((el) => {
              const box = (el as HTMLElement).getBoundingClientRect();
              return box.width > 0 && box.height > 0 && (el as HTMLElement).tabIndex >= 0;
            })
            .map((el) => {
              const node = el as HTMLElement;
              if (!node.dataset.kbId) node.dataset.kbId = String(Math.random()).slice(2);
              return node.dataset.kbId;
            }),
        );
      expect(controls.length, 'the form has controls').toBeGreaterThan(1);

      // Fill it by keyboard: the name (and e-mail when the form asks), then Tab through to the
      // submit button, which is pressed with Space.
      const seen: Focused[] = [];
      await tabTo(page, 'the name field', (f) => f.insideForm && f.tag === 'input' && /name|姓名|名称/i.test(f.label), { seen });
      await page.keyboard.type(`Perpetua Ravensworth ${lang}`);
      const submit = await tabTo(page, 'the submit button', (f) => f.insideForm && f.tag === 'button' && f.type === 'submit', { seen, max: 60 });
      // Every control of the form before the submit button was reached (Shift+Tab reaches the others).
      const reached = new Set(seen.map((f) => f.id));
      for (let i = 0; i < 40 && !controls.every((id) => reached.has(id)); i += 1) {
        await page.keyboard.press('Shift+Tab');
        reached.add((await focused(page)).id);
      }
      expect(
        controls.filter((id) => !reached.has(id)),
        'form controls that Tab never reached',
      ).toEqual([]);
      await expectAccessible(page, `new contact form, keyboard (${lang})`);
      await screenshot(page, `keyboard-new-contact-${lang}`);
      await tabTo(page, 'the submit button again', (f) => f.id === submit.id, { max: 60 });
      await page.keyboard.press('Space');
      await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/, { timeout: 15_000 });
      expect(await settled(page, 'the new contact')).toContain(`Perpetua Ravensworth ${lang}`);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
