import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import { addUser, type TestInstall, tokenFor } from '../helpers/test-install.js';

/**
 * Deals and subscriptions arrive by import too, under the same rules as through their routes: a deal
 * for an account that is not an advertiser, or a subscription on a cancelled billing account, is a bad
 * row (reported with its line, nothing of an all-or-nothing file written; alone with skipInvalid).
 */
describe.each(testDialects)('importing deals and subscriptions on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const tokens: Record<string, string> = {};
  const call = (who: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
  const made = async (who: string, url: string, payload: object) => {
    const res = await call(who, 'POST', url, payload);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const importCsv = async (who: string, query: string, csv: string) => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/imports?${query}`,
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode, res.body).toBe(202);
    for (let i = 0; i < 200; i++) {
      const job = await call(who, 'GET', `/api/v1/imports/${res.json().id}`);
      if (['done', 'rejected', 'failed'].includes(job.json().state)) return job.json();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the import did not finish');
  };
  const count = async (who: string, url: string) => (await call(who, 'GET', url)).json().items.length as number;

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    tokens.seller = await tokenFor(install.kernel, await addUser(install.kernel, ['sales_manager'], 'Ad Sales'));
    tokens.desk = await tokenFor(install.kernel, await addUser(install.kernel, ['service_agent'], 'Desk'));
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('imports deals through the deal rules: an agency named as the advertiser is reported and, by default, nothing is written', async () => {
    const advertiser = await made('seller', '/api/v1/accounts', { name: 'Bright Dairy', kind: 'advertiser' });
    const agency = await made('seller', '/api/v1/accounts', { name: 'Blue Focus Media', kind: 'agency' });
    const stage = (await call('seller', 'GET', '/api/v1/deal-stages?limit=50')).json().items[0].id as string;
    const csv = [
      'name,accountId,stageId,amount,currency',
      `Spring campaign,${advertiser},${stage},1200000000,CNY`,
      `Wrong advertiser,${agency},${stage},500000000,CNY`,
      `Summer campaign,${advertiser},${stage},800000000,CNY`,
    ].join('\n');
    const strict = await importCsv('seller', 'object=deals', csv);
    expect(strict).toMatchObject({ state: 'rejected', rowsImported: 0 });
    expect(strict.problems.map((p: { line: number }) => p.line)).toEqual([3]);
    expect(await count('seller', '/api/v1/deals?limit=50')).toBe(0);
    const lenient = await importCsv('seller', 'object=deals&skipInvalid=true', csv);
    expect(lenient).toMatchObject({ state: 'done', rowsImported: 2 });
    expect(await count('seller', '/api/v1/deals?limit=50')).toBe(2);
  });

  it('imports subscriptions through the subscriber rules: none on a cancelled billing account', async () => {
    const customer = await made('desk', '/api/v1/contacts', { name: 'Zhou Min', phone: '+8613911112222' });
    const open = await made('desk', '/api/v1/billing-accounts', { contactId: customer, accountNumber: 'BA-IMPORT-1' });
    const closed = await made('desk', '/api/v1/billing-accounts', { contactId: customer, accountNumber: 'BA-IMPORT-2' });
    const cancelled = await call('desk', 'PATCH', `/api/v1/billing-accounts/${closed}`, { status: 'cancelled' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const csv = [
      'billingAccountId,packageCode,packageKind,priceFen,startDate',
      `${open},BASIC-HD,base,2800,2026-11-01`,
      `${closed},SPORTS+,addon,3000,2026-11-01`,
    ].join('\n');
    const strict = await importCsv('desk', 'object=subscriptions', csv);
    expect(strict).toMatchObject({ state: 'rejected', rowsImported: 0 });
    expect(strict.problems.map((p: { line: number }) => p.line)).toEqual([3]);
    expect(await count('desk', '/api/v1/subscriptions?limit=50')).toBe(0);
    const lenient = await importCsv('desk', 'object=subscriptions&skipInvalid=true', csv);
    expect(lenient).toMatchObject({ state: 'done', rowsImported: 1 });
    const listed = (await call('desk', 'GET', '/api/v1/subscriptions?limit=50')).json().items;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ billingAccountId: open, status: 'pending', priceFen: 2800 });
  });
});
