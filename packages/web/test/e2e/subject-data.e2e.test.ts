import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { appReady, expectAccessible, type Lang, launchBrowser, screenshot, totpCode, unexpectedProblems } from './helpers/browser.js';
import { recordUsers } from './helpers/records-users.js';

/**
 * The "Data subject" panel on a contact's page, in Chromium, for a privacy officer: an access package
 * is built after a step-up, its passphrase and single-use link shown once; processing is restricted
 * and the restriction lifted; the person is erased after typing ERASE, whose record is then not found.
 * A sales manager sees no panel.
 */
describe('data subject panel', () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  const { secrets, signedIn, apiCall } = recordUsers(
    () => browser,
    () => server.url,
  );
  const manager = 'manager.ds@castellan-e2e.test';
  const privacy = 'privacy.ds@castellan-e2e.test';
  const contacts: Record<Lang, string> = { zh: '', en: '' };

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(manager, 'Manager', ['sales_manager'], 'Team A');
    await install.addUser(privacy, 'Privacy Officer', ['privacy_officer'], 'Privacy');
    server = await install.startServer();
    browser = await launchBrowser();
    const a = await signedIn(manager, 'en');
    for (const lang of ['zh', 'en'] as const) {
      const created = await apiCall(a.context, 'POST', '/api/v1/contacts', { name: `Subject ${lang}`, email: `subject.${lang}@castellan-e2e.test` });
      expect(created.status, JSON.stringify(created.json)).toBe(201);
      contacts[lang] = String(created.json.id);
    }
    await a.context.close();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
  });

  const stepUpIfAsked = async (page: Page, done: () => Promise<unknown>) => {
    const stepUp = page.getByTestId('step-up');
    await Promise.race([stepUp.waitFor({ timeout: 15_000 }), done()]);
    if (await stepUp.isVisible()) {
      await stepUp.locator('input').first().click();
      await page.keyboard.type(await totpCode(secrets.get(privacy) ?? ''));
    }
  };

  it.each<Lang>(['zh', 'en'])('builds a package, restricts and lifts, then erases the person (%s)', async (lang) => {
    const { context, page, problems } = await signedIn(privacy, lang);
    const words =
      lang === 'zh'
        ? { build: '生成查阅数据包', restrict: '限制处理', lift: '解除限制', erase: '删除此人…', submit: '删除' }
        : { build: 'Build access package', restrict: 'Restrict processing', lift: 'Lift restriction', erase: 'Erase this person…', submit: 'Erase' };
    try {
      await page.goto(`${server.url}/contacts/${contacts[lang]}`);
      await appReady(page);
      const panel = page.getByTestId('data-subject-panel');
      await panel.waitFor();
      await panel.getByRole('button', { name: words.build }).click();
      const built = page.getByTestId('access-package');
      await stepUpIfAsked(page, () => built.waitFor({ timeout: 15_000 }));
      await built.waitFor();
      expect(await page.getByTestId('package-passphrase').textContent()).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){5}$/);
      expect(await built.textContent()).toContain('/api/v1/access-packages/');
      expect(await page.getByTestId('package-portal-link').textContent()).toMatch(/\/privacy\/package#token=[A-Za-z0-9_-]{43}$/);
      await expectAccessible(page, `data subject panel ${lang}`);
      await screenshot(page, `subject-data-package-${lang}`);

      await panel.getByRole('button', { name: words.restrict }).click();
      await panel.getByRole('button', { name: words.lift }).waitFor();
      await panel.getByRole('button', { name: words.lift }).click();
      await panel.getByRole('button', { name: words.restrict }).waitFor();

      await panel.getByRole('button', { name: words.erase }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('textbox').fill('ERASE');
      await expectAccessible(page, `erase dialog ${lang}`);
      await dialog.getByRole('button', { name: words.submit, exact: true }).click();
      // Erased, the person's record is gone: the page reloads it and finds nothing.
      await stepUpIfAsked(page, () => page.getByTestId('not-found').waitFor({ timeout: 15_000 }));
      await page.getByTestId('not-found').waitFor();
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('carries out an access request from its page: the package passphrase and the links are shown once there', async () => {
    const a = await signedIn(manager, 'en');
    const person = await apiCall(a.context, 'POST', '/api/v1/contacts', { name: 'Requester Person', email: 'requester.ds@castellan-e2e.test' });
    expect(person.status, JSON.stringify(person.json)).toBe(201);
    await a.context.close();
    const { context, page, problems } = await signedIn(privacy, 'en');
    try {
      const made = await apiCall(context, 'POST', '/api/v1/privacy-requests', {
        kind: 'access',
        law: 'gdpr',
        requesterEmail: 'requester.ds@castellan-e2e.test',
        contactId: person.json.id,
        status: 'verified',
      });
      expect(made.status, JSON.stringify(made.json)).toBe(201);
      await page.goto(`${server.url}/privacy-requests/${made.json.id}`);
      await appReady(page);
      await page.getByTestId('privacy-execute').click();
      const built = page.getByTestId('access-package');
      await stepUpIfAsked(page, () => built.waitFor({ timeout: 15_000 }));
      await built.waitFor();
      expect(await page.getByTestId('package-passphrase').textContent()).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){5}$/);
      expect(await page.getByTestId('package-portal-link').textContent()).toMatch(/\/privacy\/package#token=[A-Za-z0-9_-]{43}$/);
      await expectAccessible(page, 'privacy request executed en');
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows no panel to a sales manager', async () => {
    const { context, page } = await signedIn(manager, 'en');
    try {
      const other = await apiCall(context, 'POST', '/api/v1/contacts', { name: 'Visible Person' });
      await page.goto(`${server.url}/contacts/${other.json.id}`);
      await appReady(page);
      await page.getByText('Visible Person').first().waitFor();
      expect(await page.getByTestId('data-subject-panel').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
