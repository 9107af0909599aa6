import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_USER_PASSWORD, type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { appReady, expectAccessible, launchBrowser, newAppContext, screenshot, signInByApi, unexpectedProblems } from './helpers/browser.js';

/**
 * The records of processing in the browser, in both languages: the privacy officer generates the RoPA,
 * starts, fills in and approves the impact assessment of contacts (sensitive PI) and registers a
 * cross-border transfer, flagged until its PIPIA is approved; the auditor reads the assessment
 * without the sealed findings. Each screen passes axe.
 */
describe('records of processing', () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  const officer = 'records-officer@castellan-e2e.test';
  const auditor = 'records-auditor@castellan-e2e.test';
  const findings = 'ID numbers kept for real-name registration only; reviewed with legal';

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(officer, 'Officer', ['privacy_officer']);
    await install.addUser(auditor, 'Auditor', ['auditor']);
    server = await install.startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
  });

  it('the privacy officer generates the RoPA, assesses contacts and registers a transfer (English)', async () => {
    const { context, page, problems } = await newAppContext(browser, 'en');
    try {
      await signInByApi(context, server.url, officer, E2E_USER_PASSWORD);
      await page.goto(`${server.url}/processing-records`);
      await appReady(page);
      await page.getByRole('heading', { level: 1, name: 'Record of processing activities' }).waitFor();
      await page.getByTestId('ropa-generate').click();
      await page.getByTestId('ropa-notice').waitFor();
      expect(await page.getByTestId('ropa-notice').textContent()).toBe('Version 1 generated.');
      await page.getByTestId('ropa-activity').first().waitFor();
      expect(await page.getByTestId('ropa-version').count()).toBe(1);
      expect(await page.getByTestId('ropa-outdated').count()).toBe(0);
      await expectAccessible(page, 'RoPA');
      await screenshot(page, 'ropa-en');

      await page.goto(`${server.url}/pipias`);
      await page.getByTestId('pipia-start-contacts').click();
      await page.waitForURL(/\/pipias\/[0-9a-f-]{36}$/);
      await page.getByTestId('pipia-findings').fill(findings);
      await page.getByTestId('pipia-save').click();
      await page.getByTestId('pipia-approve').and(page.locator(':enabled')).waitFor();
      await page.getByTestId('pipia-approve').click();
      await page.getByTestId('pipia-findings-text').waitFor();
      expect(await page.getByTestId('pipia-findings-text').textContent()).toBe(findings);
      expect(await page.getByTestId('state-current').count()).toBeGreaterThan(0);
      await expectAccessible(page, 'PIPIA detail');

      await page.goto(`${server.url}/transfers`);
      await page.getByTestId('transfer-create').click();
      await page.getByTestId('transfer-recipient').fill('Subtitle Co. Pte Ltd');
      await page.getByTestId('transfer-country').fill('SG');
      await page.getByTestId('transfer-activity').click();
      await page.getByRole('option', { name: 'Cases' }).click();
      await page.getByTestId('transfer-mechanism').click();
      await page.getByRole('option', { name: 'Standard contract' }).click();
      await page.getByTestId('transfer-categories').click({ force: true });
      await page.getByRole('option').first().click();
      await page.keyboard.press('Escape');
      await page.getByTestId('transfer-save').click();
      await page.getByTestId('transfer-row').waitFor();
      expect(await page.getByTestId('transfer-flag').textContent()).toBe('no PIPIA');
      await expectAccessible(page, 'transfer register');
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the auditor reads the records in Chinese, without the findings and without any action', async () => {
    const { context, page, problems } = await newAppContext(browser, 'zh');
    try {
      await signInByApi(context, server.url, auditor, E2E_USER_PASSWORD);
      await page.goto(`${server.url}/pipias`);
      await appReady(page);
      await page.getByRole('heading', { level: 1, name: '个人信息保护影响评估' }).waitFor();
      await page.getByTestId('pipia-row').first().waitFor();
      expect(await page.getByTestId('pipia-start-cases').count()).toBe(0);
      await expectAccessible(page, 'PIPIA list (zh)');
      await page.getByTestId('pipia-row').first().getByRole('link').click();
      await page.getByTestId('pipia-findings-sealed').waitFor();
      expect(await page.getByTestId('pipia-findings-sealed').textContent()).toBe('已记录评估意见（已加密：本角色不可见）。');
      expect(await page.content()).not.toContain('real-name registration');
      expect(await page.getByTestId('pipia-revise').count()).toBe(0);
      await expectAccessible(page, 'PIPIA detail (zh)');
      await page.goto(`${server.url}/processing-records`);
      await page.getByTestId('ropa-version').first().waitFor();
      expect(await page.getByTestId('ropa-generate').count()).toBe(0);
      await page.getByRole('heading', { level: 1, name: '个人信息处理活动记录' }).waitFor();
      await expectAccessible(page, 'RoPA (zh)');
      await screenshot(page, 'ropa-zh');
      await page.goto(`${server.url}/transfers`);
      await page.getByTestId('transfer-row').waitFor();
      expect(await page.getByTestId('transfer-flag').textContent()).toBe('无影响评估');
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
