import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_USER_PASSWORD, type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { passStepUpUntil } from './admin-helpers.js';
import { appReady, expectAccessible, launchBrowser, newAppContext, screenshot, signInByApi, unexpectedProblems } from './helpers/browser.js';
import { scrollsSideways } from './quality-tour.helpers.js';

type Lang = 'zh' | 'en';

const words = {
  zh: {
    title: '备份与恢复',
    good: '完好',
    passed: '通过',
    ok: '成功',
    restore: 'castellan backup restore latest --into postgres://…',
    master: '使用主密钥加密',
  },
  en: {
    title: 'Backups and recovery',
    good: 'good',
    passed: 'passed',
    ok: 'ok',
    restore: 'castellan backup restore latest --into postgres://…',
    master: 'Sealed under the master key',
  },
} as const;

/**
 * The Backups screen in both languages against the real server (its default target: the data dir's
 * `backups` folder): the system administrator takes a backup (with the step-up), sees it good on its
 * target, runs a restore drill and sees it passed with RTO, RPO and checks, and finds the backup in
 * the target's listing; the auditor sees the same screen without either action.
 */
describe('backups: runs, drills, targets, how to restore', () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  const admin = 'sysadmin@castellan-e2e.test';
  const auditor = 'backup.auditor@castellan-e2e.test';
  const secrets: Record<string, string | undefined> = {};

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(admin, 'System Admin', ['system_admin']);
    await install.addUser(auditor, 'Backup Auditor', ['auditor']);
    server = await install.startServer();
    browser = await launchBrowser();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
  });

  it.each<Lang>(['zh', 'en'])('the administrator takes a backup, runs a drill and finds the backup on its target (%s)', async (lang) => {
    const w = words[lang];
    const { context, page, problems } = await newAppContext(browser, lang);
    try {
      ({ totpSecret: secrets[admin] } = await signInByApi(context, server.url, admin, E2E_USER_PASSWORD, secrets[admin]));
      await page.goto(`${server.url}/backups`);
      await appReady(page);
      await page.getByRole('heading', { level: 1, name: w.title }).waitFor();
      expect(await page.getByTestId('backup-key-mode').getAttribute('data-mode')).toBe('master');
      expect(await page.getByTestId('backup-key-mode').textContent()).toContain(w.master);
      expect(await page.getByTestId('backup-restore-howto').textContent()).toContain(w.restore);
      expect(
        await page
          .getByRole('button', { name: /restore|恢复/i })
          .filter({ hasNotText: /drill|演练/i })
          .count(),
        'no restore button',
      ).toBe(0);

      await page.getByTestId('backup-take-now').click();
      await passStepUpUntil(page, secrets[admin] ?? '', page.getByTestId('backup-took'));
      const took = (await page.getByTestId('backup-took').textContent()) ?? '';
      expect(took).toContain(w.good);
      const sequence = /(\d+)/.exec(took)?.[1] ?? '';
      const row = page.locator(`[data-testid="backup-run-row"][data-sequence="${sequence}"]`);
      await row.waitFor();
      expect(await row.getByTestId('backup-run-status').getAttribute('data-status')).toBe('good');
      const outcomes = row.getByTestId('backup-target-outcome');
      expect(await outcomes.count()).toBe(1);
      expect(await outcomes.first().getAttribute('data-ok')).toBe('true');
      expect(await outcomes.first().textContent()).toBe(`local${lang === 'zh' ? '：' : ': '}${w.ok}`);
      await page.getByTestId('backup-summary-run-status').filter({ hasText: w.good }).waitFor();

      await page.getByTestId('backup-drill-now').click();
      await passStepUpUntil(page, secrets[admin] ?? '', page.getByTestId('backup-drilled'));
      expect(await page.getByTestId('backup-drilled').textContent()).toContain(w.passed);
      const drill = page
        .getByTestId('backup-drill-row')
        .filter({ has: page.locator('[data-status="passed"]') })
        .first();
      await drill.waitFor();
      expect(await drill.getByTestId('backup-drill-rto').textContent()).toMatch(/\d/);
      expect(await drill.getByTestId('backup-drill-rpo').textContent()).toMatch(/\d/);
      const checks = drill.getByTestId('drill-check');
      expect(await checks.count()).toBeGreaterThanOrEqual(4);
      expect(await drill.locator('[data-testid="drill-check"][data-ok="false"]').count()).toBe(0);
      // Each check's detail in the reader's language, its figures filled in.
      const details = (await drill.getByTestId('drill-check-detail').allTextContents()).join(' ');
      if (lang === 'zh') {
        expect(details).toMatch(/张表共 \d+ 行/);
        expect(details).toContain('每张表一致');
        expect(details).not.toMatch(/rows in|every table/);
      } else expect(details).toMatch(/\d+ rows in \d+ tables/);
      expect(await page.getByTestId('backup-summary-rto-rpo').textContent()).toMatch(/RTO \S*\d.*RPO \S*\d/);

      const listed = page.locator(`[data-testid="backup-listing-row"][data-sequence="${sequence}"]`);
      await listed.waitFor();
      expect(await listed.getByTestId('backup-listing-state').getAttribute('data-status')).toBe('good');

      await expectAccessible(page, `backups-${lang}`);
      await screenshot(page, `backups-${lang}`);
      await page.setViewportSize({ width: 1024, height: 768 });
      expect(await scrollsSideways(page), 'no sideways scroll at 1024 px with runs and drills listed').toBeUndefined();
      await expectAccessible(page, `backups-1024-${lang}`);
      await screenshot(page, `backups-1024-${lang}`);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it.each<Lang>(['zh', 'en'])('the auditor sees runs, drills and the listing without either action (%s)', async (lang) => {
    const w = words[lang];
    const { context, page, problems } = await newAppContext(browser, lang);
    try {
      ({ totpSecret: secrets[auditor] } = await signInByApi(context, server.url, auditor, E2E_USER_PASSWORD, secrets[auditor]));
      await page.goto(`${server.url}/backups`);
      await appReady(page);
      await page.getByRole('heading', { level: 1, name: w.title }).waitFor();
      await page.getByTestId('backup-run-row').first().waitFor();
      await page.getByTestId('backup-drill-row').first().waitFor();
      await page.getByTestId('backup-listing-row').first().waitFor();
      for (const action of ['backup-take-now', 'backup-drill-now']) expect(await page.getByTestId(action).count(), action).toBe(0);
      await expectAccessible(page, `backups-auditor-${lang}`);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
