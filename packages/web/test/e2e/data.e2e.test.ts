import { readFileSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import ExcelJS from 'exceljs';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_USER_PASSWORD, type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { pick } from './broadcast-helpers.js';
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

const words = {
  en: {
    fieldFor: (c: string) => `Field for the column ${c}`,
    chunked: 'In chunks',
    done: 'Finished',
    downloaded: 'Contacts downloaded as CSV.',
    invalid: 'Invalid',
  },
  zh: { fieldFor: (c: string) => `列 ${c} 对应的字段`, chunked: '分批导入', done: '已完成', downloaded: '已下载联系人（CSV）。', invalid: '无效' },
};

/** Five people, two of them with a bad e-mail address (lines 3 and 5; the header is line 1). */
const peopleCsv = (lang: Lang) =>
  [
    'Full name,Mail,phone,Notes',
    `Import Alpha ${lang},alpha.${lang}@example.com,+86 139 ${lang === 'zh' ? 1000 : 2000} 0001,first`,
    `Import Bravo ${lang},bravo-not-an-address,+86 139 ${lang === 'zh' ? 1000 : 2000} 0002,second`,
    `Import Charlie ${lang},charlie.${lang}@example.com,,third`,
    `Import Delta ${lang},delta at example dot com,+86 139 ${lang === 'zh' ? 1000 : 2000} 0004,fourth`,
    `Import Echo ${lang},echo.${lang}@example.com,+86 139 ${lang === 'zh' ? 1000 : 2000} 0005,fifth`,
    '',
  ].join('\n');

/**
 * The import wizard and exports in the browser, in both languages: a CSV with bad rows mapped
 * column by column and imported in chunks shows the imported count and the per-row report (line,
 * column, reason — never the value); an export asks for a step-up and downloads the file.
 */
describe('data: import wizard and exports', () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  let totpSecret: string | undefined;
  const email = 'importer@castellan-e2e.test';

  /** Moves the second factors of every session 10 minutes back, as if time had passed: the next export needs a step-up. */
  async function ageSecondFactors(): Promise<void> {
    const past = new Date(Date.now() - 10 * 60_000).toISOString();
    if (install.postgres) {
      const client = new pg.Client({ connectionString: install.postgres.superuserUrl });
      await client.connect();
      try {
        await client.query('UPDATE sessions SET mfa_at = $1 WHERE mfa_at IS NOT NULL', [past]);
      } finally {
        await client.end();
      }
    } else {
      const db = new SQLite(path.join(install.dataDir, 'castellan.db'), { fileMustExist: true });
      try {
        db.pragma('busy_timeout = 5000');
        db.prepare('UPDATE sessions SET mfa_at = ? WHERE mfa_at IS NOT NULL').run(past);
      } finally {
        db.close();
      }
    }
  }

  /** The field select of a file column: through pick, which opens the dropdown again when a re-render closed it. */
  async function chooseField(page: Page, label: string, field: string): Promise<void> {
    await pick(page, page.locator(`input[aria-label="${label}"]`), new RegExp(`^${field}$`));
  }

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(email, 'Importer', ['sales_manager'], 'North');
    server = await install.startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
  });

  it.each<Lang>(['zh', 'en'])('imports a CSV with bad rows and shows the per-row report, then exports after a step-up, in %s', async (lang) => {
    const w = words[lang];
    const { context, page, problems } = await newAppContext(browser, lang);
    try {
      ({ totpSecret } = await signInByApi(context, server.url, email, E2E_USER_PASSWORD, totpSecret));
      await page.goto(`${server.url}/data/import`);
      await appReady(page);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await expectAccessible(page, `import start ${lang}`);
      await screenshot(page, `data-import-1-file-${lang}`);

      // The file: its header is read in the browser, the columns named after a field are matched.
      await page.locator('input[type=file]').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(peopleCsv(lang)) });
      await page.getByTestId('import-mapping').waitFor();
      await expect(page.locator(`input[aria-label="${w.fieldFor('phone')}"]`).inputValue()).resolves.toBe('phone');
      await chooseField(page, w.fieldFor('Full name'), 'name');
      await chooseField(page, w.fieldFor('Mail'), 'email');
      await page.getByText(w.chunked).click();
      await expectAccessible(page, `import mapping ${lang}`);
      await screenshot(page, `data-import-2-mapping-${lang}`);

      await page.getByTestId('import-start').click();
      await page.waitForURL(/\/data\/import\/[0-9a-f-]{36}$/);
      await page.locator('[data-testid=import-state][data-state=done]').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('import-state').textContent()).toBe(w.done);
      expect(await page.getByTestId('import-rowsRead').textContent()).toBe('5');
      expect(await page.getByTestId('import-rowsImported').textContent()).toBe('3');
      expect(await page.getByTestId('import-rowsInvalid').textContent()).toBe('2');
      const rows = await page.getByTestId('import-report').locator('tbody tr').allInnerTexts();
      expect(rows).toHaveLength(2);
      const cells = rows.map((row) => row.split('\t').map((cell) => cell.trim()));
      expect(cells.map((c) => c.slice(0, 3))).toEqual([
        ['3', 'Mail', w.invalid],
        ['5', 'Mail', w.invalid],
      ]);
      for (const c of cells) expect(c[3]).toMatch(/e-mail/);
      const report = (await page.getByTestId('import-report').textContent()) ?? '';
      expect(report).not.toContain('bravo-not-an-address');
      expect(report).not.toContain('delta at example dot com');
      await expectAccessible(page, `import progress ${lang}`);
      await screenshot(page, `data-import-3-report-${lang}`);

      // The export: the second factor is no longer fresh, so the server asks for a step-up first.
      await page.goto(`${server.url}/data/export`);
      await page.getByTestId('export-table').waitFor();
      await expectAccessible(page, `export ${lang}`);
      await screenshot(page, `data-export-1-${lang}`);
      await ageSecondFactors();
      const download = page.waitForEvent('download', { timeout: 30_000 });
      await page.getByTestId('export-download-contacts').click();
      await page.getByRole('dialog').waitFor();
      await expectAccessible(page, `export step-up ${lang}`);
      await screenshot(page, `data-export-2-step-up-${lang}`);
      await page.getByRole('dialog').locator('input').first().focus();
      await page.keyboard.type(await totpCode(totpSecret ?? ''));
      const file = await download;
      expect(file.suggestedFilename()).toBe('contacts.csv');
      const saved = await file.path();
      const text = readFileSync(saved, 'utf8');
      expect(text.split('\n')[0]).toContain('name');
      expect(text).toContain(`Import Alpha ${lang}`);
      expect(text).not.toContain(`Import Bravo ${lang}`);
      await page.getByTestId('export-done').waitFor();
      expect(await page.getByTestId('export-done').textContent()).toBe(w.downloaded);
      await expectAccessible(page, `export done ${lang}`);
      await screenshot(page, `data-export-3-done-${lang}`);
      // Nothing of the file stays in the page's storage.
      const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
      expect(stored).not.toContain('Import Alpha');
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('reads an XLSX header in the browser and, all or nothing, imports nothing when a row is wrong', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('People');
    sheet.addRow(['name', 'email', 'Region']);
    sheet.addRow(['Workbook Good', 'good.book@example.com', 'North']);
    sheet.addRow(['Workbook Bad', 'bad-book-address', 'South']);
    const buffer = Buffer.from(await book.xlsx.writeBuffer());
    const { context, page, problems } = await newAppContext(browser, 'zh');
    try {
      ({ totpSecret } = await signInByApi(context, server.url, email, E2E_USER_PASSWORD, totpSecret));
      await page.goto(`${server.url}/data/import`);
      await appReady(page);
      await page.locator('input[type=file]').setInputFiles({
        name: 'people.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer,
      });
      await page.getByTestId('import-mapping').waitFor();
      await expect(page.locator(`input[aria-label="${words.zh.fieldFor('email')}"]`).inputValue()).resolves.toBe('email');
      await expect(page.locator(`input[aria-label="${words.zh.fieldFor('Region')}"]`).inputValue()).resolves.toBe('不导入此列');
      await page.getByTestId('import-start').click();
      await page.locator('[data-testid=import-state][data-state=rejected]').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('import-rowsImported').textContent()).toBe('0');
      const rows = await page.getByTestId('import-report').locator('tbody tr').allInnerTexts();
      expect(
        rows.map((row) =>
          row
            .split('\t')
            .slice(0, 2)
            .map((c) => c.trim()),
        ),
      ).toEqual([['3', 'email']]);
      expect((await page.getByTestId('import-report').textContent()) ?? '').not.toContain('bad-book-address');
      await expectAccessible(page, 'import rejected zh');
      await screenshot(page, 'data-import-4-rejected-zh');
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
