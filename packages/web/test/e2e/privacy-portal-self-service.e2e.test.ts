import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { type E2eInstall, initInstall, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { SmtpInbox, unfold } from '../../../server/test/helpers/smtp-inbox.js';
import {
  type AppContext,
  appReady,
  expectAccessible,
  type Lang,
  launchBrowser,
  newAppContext,
  screenshot,
  totpCode,
  unexpectedProblems,
} from './helpers/browser.js';
import { recordUsers } from './helpers/records-users.js';

/**
 * The privacy portal's self-service pages in Chromium over the real HTTPS server with real SMTP, in
 * both languages: a person proves their e-mail with the mailed code, gives and withdraws a PIPL
 * separate consent (the privacy officer sees both entries appended to the ledger), and — with the
 * browser sending `Sec-GPC: 1` — is told the signal was recorded, which the ledger shows; the person
 * opens their package with the passphrase in the browser once and the link then refuses; a request's
 * status is found again with its reference and status key; the rate limit shows a clear message.
 * After each flow no personal value is in localStorage, sessionStorage, IndexedDB or the Cache API.
 */
describe(`privacy portal self-service on ${e2eDialect}`, { timeout: 240_000 }, () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  const inbox = new SmtpInbox();
  const { secrets, signedIn, apiCall } = recordUsers(
    () => browser,
    () => server.url,
  );
  const officer = 'privacy.portal@castellan-e2e.test';
  const manager = 'manager.portal@castellan-e2e.test';
  const people: Record<Lang, { email: string; name: string; contactId: string }> = {
    zh: { email: 'han.meimei@portal-e2e.test', name: '韩梅梅', contactId: '' },
    en: { email: 'jane.roe@portal-e2e.test', name: 'Jane Roe', contactId: '' },
  };
  let desk: AppContext;

  beforeAll(async () => {
    const smtpUrl = await inbox.start();
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(officer, 'Olivia Officer', ['privacy_officer'], 'Privacy');
    await install.addUser(manager, 'Mark Manager', ['sales_manager'], 'North');
    server = await install.startServer({ CASTELLAN_SMTP_URL: smtpUrl });
    browser = await launchBrowser();
    const seller = await signedIn(manager, 'en');
    for (const lang of ['zh', 'en'] as const) {
      const created = await apiCall(seller.context, 'POST', '/api/v1/contacts', { name: people[lang].name, email: people[lang].email });
      expect(created.status, JSON.stringify(created.json)).toBe(201);
      people[lang].contactId = String(created.json.id);
    }
    await seller.context.close();
    desk = await signedIn(officer, 'en');
    for (const [purpose, en, zh] of [
      ['sensitive_pi', 'Sensitive personal information', '敏感个人信息'],
      ['cross_border_transfer', 'Transfer abroad', '跨境传输'],
    ] as const) {
      const notice = await apiCall(desk.context, 'POST', '/api/v1/privacy-notices', {
        purpose,
        titleEn: en,
        titleZh: zh,
        textEn: `We ask your separate consent for: ${en}.`,
        textZh: `我们就以下事项征求您的单独同意：${zh}。`,
      });
      expect(notice.status, JSON.stringify(notice.json)).toBe(201);
    }
  }, 180_000);

  afterAll(async () => {
    await desk?.context.close();
    await browser?.close();
    await install?.cleanup();
    await inbox.stop();
  });

  /** The code of the next e-mail to `email` after `seen` mails to it. */
  const nextCode = async (email: string, seen: number): Promise<string> => {
    for (let i = 0; i < 150; i += 1) {
      const mails = inbox.mails.filter((m) => m.to.includes(email));
      const code = mails.length > seen ? /Verification code: (\d{6})/.exec(unfold(mails.at(-1)))?.[1] : undefined;
      if (code) return code;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no code mailed to ${email}`);
  };
  const mailsTo = (email: string) => inbox.mails.filter((m) => m.to.includes(email)).length;
  const ledgerOf = async (contactId: string) =>
    (await apiCall(desk.context, 'GET', `/api/v1/consents?contactId=${contactId}&limit=100`)).json.items as unknown as Record<string, unknown>[];

  /** Every value in the browser's storage (localStorage, sessionStorage, every IndexedDB store, the Cache API). */
  const browserStorage = (page: Page) =>
    page.evaluate(async () => {
      const dump = (storage: Storage) =>
        Object.fromEntries(Array.from({ length: storage.length }, (_, i) => storage.key(i) as string).map((k) => [k, storage.getItem(k)]));
      const indexed: Record<string, unknown> = {};
      for (const info of await indexedDB.databases()) {
        if (!info.name) continue;
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open(info.name as string);
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        for (const store of Array.from(db.objectStoreNames)) {
          indexed[`${info.name}/${store}`] = await new Promise((resolve, reject) => {
            const all = db.transaction(store, 'readonly').objectStore(store).getAll();
            all.onsuccess = () => resolve(all.result);
            all.onerror = () => reject(all.error);
          });
        }
        db.close();
      }
      const cache: string[] = [];
      for (const name of await caches.keys()) {
        const opened = await caches.open(name);
        for (const request of await opened.keys()) cache.push(`${request.url} ${await ((await opened.match(request))?.text() ?? '')}`);
      }
      return { localStorage: dump(localStorage), sessionStorage: dump(sessionStorage), indexedDB: indexed, cacheApi: cache };
    });
  const expectNothingKept = async (context: BrowserContext, page: Page, secretsShown: string[]) => {
    const stored = await browserStorage(page);
    const text = JSON.stringify({ ...stored, cookies: await context.cookies() });
    for (const value of secretsShown)
      expect(text.includes(value) || text.includes(encodeURIComponent(value)), `${value.slice(0, 6)}… kept: ${text.slice(0, 300)}`).toBe(false);
    expect(Object.keys(stored.localStorage).every((k) => k === 'castellan.language')).toBe(true);
    expect(Object.keys(stored.sessionStorage)).toEqual([]);
    expect(stored.cacheApi).toEqual([]);
  };

  const words = {
    zh: {
      title: '您的同意',
      given: '已同意',
      withdrawn: '已撤回',
      gpc: '已记录为选择退出',
      used: '此链接已被使用',
      wrong: '该口令无法打开数据包',
      status: '已验证',
      limited: '尝试次数过多',
    },
    en: {
      title: 'Your consents',
      given: 'Given',
      withdrawn: 'Withdrawn',
      gpc: 'recorded as an opt-out',
      used: 'This link has been used already',
      wrong: 'The passphrase does not open the package',
      status: 'Verified',
      limited: 'Too many attempts',
    },
  };

  it.each<Lang>(['zh', 'en'])('gives and withdraws a separate consent, appended to the ledger; GPC recorded in en (%s)', async (lang) => {
    const person = people[lang];
    const visitor = await newAppContext(browser, lang);
    const gpc = lang === 'en';
    if (gpc) await visitor.context.setExtraHTTPHeaders({ 'Sec-GPC': '1' });
    const { page } = visitor;
    try {
      await page.goto(`${server.url}/privacy/consents`);
      await appReady(page);
      await page.getByRole('heading', { level: 1, name: words[lang].title }).waitFor();
      await expectAccessible(page, `portal consents ask ${lang}`);
      const seen = mailsTo(person.email);
      await page.getByTestId('portal-consents-email').fill(person.email);
      await page.getByTestId('portal-consents-send').click();
      await page.getByTestId('portal-consents-code').waitFor();
      const code = await nextCode(person.email, seen);
      await expectAccessible(page, `portal consents code ${lang}`);
      await page.getByTestId('portal-consents-code').fill(code);
      await page.getByTestId('portal-consents-verify').click();
      await page.getByTestId('portal-consents').waitFor();
      await page
        .getByTestId('portal-notice-sensitive_pi')
        .getByText(lang === 'zh' ? '敏感个人信息' : 'Sensitive personal information', { exact: true })
        .waitFor();
      const line = page.getByTestId('portal-consent-sensitive_pi-any');
      expect(await line.getAttribute('data-state')).toBe('none');
      await expectAccessible(page, `portal consents ${lang}`);
      await screenshot(page, `portal-consents-${lang}`);
      const before = await ledgerOf(person.contactId);

      await page.getByTestId('portal-consent-give-sensitive_pi-any').click();
      await page.locator('[data-testid="portal-consent-sensitive_pi-any"][data-state="granted"]').waitFor();
      await line.getByText(words[lang].given).waitFor();
      await page.getByTestId('portal-consent-withdraw-sensitive_pi-any').click();
      await page.locator('[data-testid="portal-consent-sensitive_pi-any"][data-state="withdrawn"]').waitFor();
      await line.getByText(words[lang].withdrawn).waitFor();

      // The privacy officer's ledger: both decisions appended, nothing earlier changed.
      const after = await ledgerOf(person.contactId);
      for (const entry of before) expect(after).toContainEqual(entry);
      const added = after.filter((e) => !before.some((b) => b.id === e.id) && e.purpose === 'sensitive_pi');
      expect(added.map((e) => [e.status, e.source]).sort()).toEqual([
        ['granted', 'portal'],
        ['withdrawn', 'portal'],
      ]);
      const signals = after.filter((e) => e.purpose === 'sale_share' && e.source === 'gpc');
      if (gpc) {
        await page.getByTestId('portal-gpc').getByText(words[lang].gpc).waitFor();
        expect(signals).toHaveLength(1);
        expect(signals[0]?.status).toBe('withdrawn');
      } else {
        expect(await page.getByTestId('portal-gpc').count()).toBe(0);
        expect(signals).toHaveLength(0);
      }
      await expectNothingKept(visitor.context, page, [person.email, code]);
      expect(unexpectedProblems(visitor.problems)).toEqual([]);
    } finally {
      await visitor.context.close();
    }
  });

  it.each<Lang>(['zh', 'en'])('opens the package once with its passphrase in the browser, then the link refuses (%s)', async (lang) => {
    const person = people[lang];
    const { subjectId } = (await apiCall(desk.context, 'GET', `/api/v1/contacts/${person.contactId}/data-subject`)).json as { subjectId: string };
    const stepUp = await apiCall(desk.context, 'POST', '/api/v1/auth/step-up', { code: await totpCode(secrets.get(officer) ?? '') });
    expect(stepUp.status, JSON.stringify(stepUp.json)).toBe(200);
    const built = await apiCall(desk.context, 'POST', `/api/v1/subjects/${subjectId}/access-package`, { format: 'json' });
    expect(built.status, JSON.stringify(built.json)).toBe(201);
    const { passphrase, portalPath, token } = built.json as { passphrase: string; portalPath: string; token: string };
    expect(portalPath).toBe(`/privacy/package#token=${token}`);

    const visitor = await newAppContext(browser, lang);
    const { page } = visitor;
    try {
      await page.goto(`${server.url}${portalPath}`);
      await appReady(page);
      await page.getByTestId('portal-package-passphrase').waitFor();
      await expectAccessible(page, `portal package ${lang}`);
      await page.getByTestId('portal-package-passphrase').fill('wrong-wrong-wrong-wrong-wrong-wrong');
      await page.getByTestId('portal-package-open').click();
      await page.getByTestId('portal-package-wrong').getByText(words[lang].wrong).waitFor();
      // The file is kept in the page: the right passphrase opens it without a second download.
      await page.getByTestId('portal-package-passphrase').fill(passphrase);
      const download = page.waitForEvent('download');
      await page.getByTestId('portal-package-open').click();
      const saved = await download;
      const document = JSON.parse(await readFile((await saved.path()) as string, 'utf8'));
      expect(JSON.stringify(document.records.contacts)).toContain(person.email);
      await page.getByTestId('portal-package-opened').waitFor();
      await expectAccessible(page, `portal package opened ${lang}`);
      await screenshot(page, `portal-package-${lang}`);
      await expectNothingKept(visitor.context, page, [person.email, passphrase, token]);

      await page.goto(`${server.url}/privacy`);
      await page.goto(`${server.url}${portalPath}`);
      await appReady(page);
      await page.getByTestId('portal-package-passphrase').fill(passphrase);
      await page.getByTestId('portal-package-open').click();
      await page.getByTestId('portal-package-refused').getByText(words[lang].used).waitFor();
      await expectAccessible(page, `portal package used ${lang}`);
      expect(unexpectedProblems(visitor.problems)).toEqual([]);
    } finally {
      await visitor.context.close();
    }
  });

  it.each<Lang>(['zh', 'en'])('finds a request again by its reference and status key (%s)', async (lang) => {
    const person = people[lang];
    const visitor = await newAppContext(browser, lang);
    const { page } = visitor;
    try {
      await page.goto(`${server.url}/privacy`);
      await appReady(page);
      const seen = mailsTo(person.email);
      await page.getByTestId('portal-email').fill(person.email);
      await page.getByTestId('portal-submit').click();
      await page.getByTestId('portal-code').waitFor();
      const reference = await page.getByTestId('portal-reference').inputValue();
      await page.getByTestId('portal-code').fill(await nextCode(person.email, seen));
      await page.getByTestId('portal-verify').click();
      const statusKey = ((await page.getByTestId('portal-status-key').textContent()) ?? '').trim();
      expect(statusKey.length).toBeGreaterThan(20);

      await page
        .getByTestId('portal-nav')
        .getByRole('link', { name: lang === 'zh' ? '查询请求' : 'Check a request' })
        .click();
      await page.getByTestId('portal-status-reference').waitFor();
      await page.getByTestId('portal-status-reference').fill(reference);
      await page.getByTestId('portal-status-key-input').fill(`${statusKey.slice(0, -2)}xx`);
      await page.getByTestId('portal-status-show').click();
      await page.getByTestId('portal-status-unknown').waitFor();
      await page.getByTestId('portal-status-key-input').fill(statusKey);
      await page.getByTestId('portal-status-show').click();
      await page.getByTestId('portal-status-value').getByText(words[lang].status).waitFor();
      await expectAccessible(page, `portal status ${lang}`);
      await screenshot(page, `portal-status-${lang}`);
      await expectNothingKept(visitor.context, page, [person.email, statusKey]);
      expect(unexpectedProblems(visitor.problems)).toEqual([]);
    } finally {
      await visitor.context.close();
    }
  });

  it('shows the rate limit clearly (429) on the consents page', async () => {
    const visitor = await newAppContext(browser, 'zh');
    const { page } = visitor;
    try {
      await page.goto(`${server.url}/privacy/consents`);
      await appReady(page);
      await page.getByTestId('portal-consents-email').fill('burst@portal-e2e.test');
      // Spend the window (5 a minute per client address; earlier tests may have opened it a while ago), then send.
      let limited = false;
      for (let i = 0; i < 12 && !limited; i += 1) {
        const res = await visitor.context.request.post(`${server.url}/api/v1/portal/consent-sessions`, { data: { email: `burst${i}@portal-e2e.test` } });
        limited = res.status() === 429;
      }
      expect(limited).toBe(true);
      await page.getByTestId('portal-consents-send').click();
      await page.getByTestId('error-notice').getByText(words.zh.limited).waitFor();
      await expectAccessible(page, 'portal consents rate limited zh');
    } finally {
      await visitor.context.close();
    }
  });
});
