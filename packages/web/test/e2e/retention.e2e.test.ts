import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_USER_PASSWORD, type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { pick } from './broadcast-helpers.js';
import { appReady, expectAccessible, launchBrowser, newAppContext, screenshot, signInByApi, unexpectedProblems } from './helpers/browser.js';

type Lang = 'zh' | 'en';

const words = {
  zh: { title: '保存期限规则', object: '服务工单', purpose: '提供服务', preview: '试运行：未做任何更改' },
  en: { title: 'Retention rules', object: 'Activities', purpose: 'Customer relations', preview: 'Dry run: nothing was changed' },
} as const;

/**
 * The retention screen in both languages: the privacy officer defines a rule (disabled, so no step-up)
 * and previews a dry run; the audit administrator sees the rules and runs but no action.
 */
describe('retention: rules, dry run, runs', () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  const officer = 'officer@castellan-e2e.test';
  const auditor = 'auditor@castellan-e2e.test';
  const secrets: Record<string, string | undefined> = {};

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(officer, 'Officer', ['privacy_officer']);
    await install.addUser(auditor, 'Auditor', ['audit_admin']);
    server = await install.startServer();
    browser = await launchBrowser();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
  });

  it.each<Lang>(['zh', 'en'])('the officer defines a rule and previews a dry run (%s)', async (lang) => {
    const w = words[lang];
    const { context, page, problems } = await newAppContext(browser, lang);
    try {
      ({ totpSecret: secrets[officer] } = await signInByApi(context, server.url, officer, E2E_USER_PASSWORD, secrets[officer]));
      await page.goto(`${server.url}/retention`);
      await appReady(page);
      await page.getByRole('heading', { level: 1, name: w.title }).waitFor();
      await page.getByTestId('retention-new-rule').click();
      await pick(page, 'retention-object', w.object);
      await pick(page, 'retention-purpose', w.purpose);
      await page.getByTestId('retention-days').fill('400');
      await page.getByTestId('retention-save').click();
      await page.getByTestId('retention-rule-row').filter({ hasText: w.object }).waitFor();
      await page.getByTestId('retention-dry-run').click();
      await page.getByTestId('retention-preview').waitFor();
      expect(await page.getByTestId('retention-preview').textContent()).toContain(w.preview);
      await page.getByTestId('retention-run-row').first().waitFor();
      await expectAccessible(page, `retention-${lang}`);
      await screenshot(page, `retention-${lang}`);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows the audit administrator the rules and runs without any action', async () => {
    const { context, page, problems } = await newAppContext(browser, 'en');
    try {
      ({ totpSecret: secrets[auditor] } = await signInByApi(context, server.url, auditor, E2E_USER_PASSWORD, secrets[auditor]));
      await page.goto(`${server.url}/retention`);
      await appReady(page);
      await page.getByTestId('retention-rule-row').first().waitFor();
      expect(await page.getByTestId('retention-rule-row').count()).toBe(2);
      for (const action of ['retention-new-rule', 'retention-dry-run', 'retention-run-now']) expect(await page.getByTestId(action).count(), action).toBe(0);
      expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
