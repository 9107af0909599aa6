import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_USER_PASSWORD, type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { appReady, expectAccessible, type Lang, launchBrowser, newAppContext, screenshot, signInByApi, unexpectedProblems } from './helpers/browser.js';

/**
 * The compliance dashboard in Chromium, both languages, as the auditor: every check is listed under
 * each framework it maps to, with its status, evidence and control ids; backup shows failing (no
 * backup feature yet); the signed JSON report downloads and `castellan compliance verify` accepts
 * it, and refuses it after one byte is changed.
 */
const AUDITOR = { email: 'compliance.auditor@castellan-e2e.test', name: 'Compliance Auditor' };

describe(`compliance dashboard (${e2eDialect})`, () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  let secret: string | undefined;
  const scratch = mkdtempSync(path.join(tmpdir(), 'castellan-compliance-e2e-'));

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(AUDITOR.email, AUDITOR.name, ['auditor']);
    server = await install.startServer();
    browser = await launchBrowser();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  it.each<Lang>(['zh', 'en'])(
    'shows the checks by framework and downloads a report that verifies (%s)',
    async (lang) => {
      const { context, page, problems } = await newAppContext(browser, lang);
      try {
        ({ totpSecret: secret } = await signInByApi(context, server.url, AUDITOR.email, E2E_USER_PASSWORD, secret));
        await page.goto(`${server.url}/compliance`);
        await appReady(page);
        await page.getByTestId('compliance-table-GDPR').waitFor({ timeout: 20_000 });
        expect(await page.locator('h1').count()).toBe(1);
        expect(await page.locator('h1').textContent()).toBe(lang === 'zh' ? '合规仪表板' : 'Compliance dashboard');
        await expect.poll(() => page.getByTestId('compliance-check-backup_age').getAttribute('data-status')).toBe('failing');
        expect(await page.getByTestId('compliance-check-audit_chain').getAttribute('data-status')).toBe('passing');
        await expectAccessible(page, `compliance-${lang}`);
        await screenshot(page, `compliance-gdpr-${lang}`);
        await page.getByTestId('compliance-tab-MLPS3').click();
        const mlps = page.getByTestId('compliance-table-MLPS3');
        await mlps.waitFor();
        expect(await mlps.getByTestId('compliance-check-separation_of_duties').textContent()).toContain('8.1.4.2');
        await expectAccessible(page, `compliance-mlps3-${lang}`);

        const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('compliance-report-json').click()]);
        const file = path.join(scratch, `report-${lang}.json`);
        await download.saveAs(file);
        const verified = await install.cliOk(['compliance', 'verify', file]);
        expect(verified.stdout).toContain('VALID (json)');
        const bytes = readFileSync(file);
        bytes[Math.floor(bytes.length / 2)] ^= 0x20;
        writeFileSync(file, bytes);
        const refused = await install.cli(['compliance', 'verify', file]);
        expect(refused.code).toBe(3);
        expect(refused.stdout).toContain('INVALID');
        expect(unexpectedProblems(problems)).toEqual([]);
      } finally {
        await context.close();
      }
    },
    180_000,
  );
});
