import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../../../server/test/helpers/databases.js';
import { E2E_USER_PASSWORD, type E2eInstall, httpsJson, initInstall, insecureAgent, type ServerProcess } from '../../../server/test/helpers/server-process.js';
import { appReady, expectAccessible, launchBrowser, newAppContext, screenshot, signInByApi, unexpectedProblems } from './helpers/browser.js';

/**
 * The breach register in the browser: the privacy officer records an incident, sees its parallel
 * clocks (GDPR open, PIPL Art. 57 overdue at once), and finds the affected data subjects from the
 * audit trail of a compromised account — the one contact that account read, by id only.
 */
describe('incidents: the breach register', () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  let agentId = '';
  const officer = 'officer@castellan-e2e.test';

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(officer, 'Officer', ['privacy_officer']);
    await install.addUser('manager@castellan-e2e.test', 'Manager', ['sales_manager'], 'North');
    agentId = (await install.addUser('agent@castellan-e2e.test', 'Agent', ['service_agent'])).id;
    server = await install.startServer();
    browser = await launchBrowser();
    // The manager creates two contacts; the (soon compromised) agent reads one of them.
    const managerToken = await install.createToken('manager@castellan-e2e.test');
    const agentToken = await install.createToken('agent@castellan-e2e.test');
    const ids: string[] = [];
    for (const name of ['Incident Alpha', 'Incident Bravo']) {
      const res = await httpsJson('POST', `${server.url}/api/v1/contacts`, {
        token: managerToken,
        body: { name, email: `${name.split(' ')[1]}@example.com` },
        agent: insecureAgent,
      });
      expect(res.status, res.text).toBe(201);
      ids.push(res.body.id);
    }
    const read = await httpsJson('GET', `${server.url}/api/v1/contacts/${ids[0]}`, { token: agentToken, agent: insecureAgent });
    expect(read.status, read.text).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
    await install?.cleanup();
  });

  it('records an incident, shows its clocks and finds the affected subjects', async () => {
    const { context, page, problems } = await newAppContext(browser, 'en');
    try {
      await signInByApi(context, server.url, officer, E2E_USER_PASSWORD);
      await page.goto(`${server.url}/incidents`);
      await appReady(page);
      await page.getByRole('heading', { level: 1, name: 'Breach register' }).waitFor();
      await expectAccessible(page, 'incidents list');

      await page.getByTestId('incident-create').click();
      await page.getByTestId('incident-description').fill('Agent laptop stolen; session cookie reused');
      await page.getByTestId('incident-save').click();
      await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
      await page.getByTestId('clock-gdpr_authority').waitFor();
      expect(await page.getByTestId('clock-gdpr_authority').getAttribute('data-status')).toBe('open');
      expect(await page.getByTestId('clock-pipl_subjects').getAttribute('data-status')).toBe('overdue');
      expect(await page.getByTestId('clock-cac').count()).toBe(0);
      expect(await page.getByTestId('clock-gdpr_authority').textContent()).toMatch(/71 h 5\d min \d+ s left|72 h 0 min 0 s left/);
      expect(await page.getByTestId('incident-description-text').textContent()).toBe('Agent laptop stolen; session cookie reused');

      await page.getByTestId('affected-account').fill(agentId);
      await page.getByTestId('affected-find').click();
      await page.getByTestId('affected-count').waitFor();
      expect(await page.getByTestId('affected-count').textContent()).toMatch(/^1 data subject found/);
      await page.getByTestId('affected-subject').first().waitFor();
      expect(await page.getByTestId('affected-subject').count()).toBe(1);
      expect(await page.getByTestId('affected-subject').first().textContent()).toMatch(/^[0-9a-f-]{36}$/);
      expect(await page.content()).not.toContain('Incident Alpha');
      await expectAccessible(page, 'incident detail');
      await screenshot(page, 'incident-detail-en');

      // The register lists it, overdue first (the PIPL clock is overdue at once).
      await page.goto(`${server.url}/incidents`);
      await page.getByTestId('incident-row').first().waitFor();
      expect(await page.getByTestId('incident-row').count()).toBe(1);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
