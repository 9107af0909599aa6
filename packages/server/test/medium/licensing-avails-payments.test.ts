import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall } from '../helpers/test-install.js';

/**
 * Availability, payment schedules and the licensing dashboard over HTTP on both databases: what can
 * still be sold names the caller's licences and only hints at another team's; a schedule may not
 * exceed the fee (parallel instalments included); payment status follows the clock; the dashboard
 * counts only what the caller may see.
 */
describe.each(testDialects)('availability, payments and the dashboard on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const { call, created, addCallers } = apiCallers(() => app);
  let licensor: string;
  let licensee: string;
  let counter = 0;

  async function titleWithRights(): Promise<string> {
    const title = (await created('rights', '/api/v1/titles', { titleZh: `人世间 ${++counter}`, titleEn: 'A Lifelong Journey', kind: 'series', year: 2022 })).id;
    await created('rights', '/api/v1/rights', {
      titleId: title,
      licensorAccountId: licensor,
      contractNumber: `RI-${counter}`,
      territories: 'GREATER-CHINA',
      media: 'svod,free_tv',
      windowStart: '2026-01-01',
      windowEnd: '2026-12-31',
      exclusive: true,
    });
    return title;
  }
  const licence = (titleId: string, over: object = {}) => ({
    titleId,
    licenseeAccountId: licensee,
    contractNumber: `LIC-${dialect}-${++counter}`,
    territories: 'CN',
    media: 'svod',
    windowStart: '2026-03-01',
    windowEnd: '2026-06-30',
    exclusive: true,
    feeFen: 1000_00,
    ...over,
  });

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    vi.setSystemTime(new Date('2026-03-01T01:00:00Z'));
    await addCallers(install.kernel, {
      rights: [['licensing_manager'], 'Rights'],
      overseas: [['licensing_manager'], 'Overseas'],
      seller: [['sales_rep'], 'Rights'],
    });
    licensor = (await created('rights', '/api/v1/accounts', { name: '华策影视', kind: 'licensor', country: 'CN' })).id;
    licensee = (await created('rights', '/api/v1/accounts', { name: 'TVB Sample', kind: 'licensee', country: 'HK' })).id;
  });
  afterAll(async () => stopTestApp({ install, app }));

  describe('availability', () => {
    it("answers what can still be sold, naming the caller's licences and hiding another team's", async () => {
      const title = await titleWithRights();
      const mine = await created('rights', '/api/v1/licenses', licence(title));
      await created('overseas', '/api/v1/licenses', licence(title, { territories: 'HK', windowStart: '2026-05-01', windowEnd: '2026-12-31' }));
      await created('rights', '/api/v1/licenses', licence(title, { territories: 'TW', exclusive: false, windowStart: '2026-01-01', windowEnd: '2026-01-31' }));
      const res = await call('rights', 'GET', `/api/v1/titles/${title}/availability?territory=GREATER-CHINA&media=svod&from=2026-01-01&to=2026-12-31`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ titleId: title, from: '2026-01-01', to: '2026-12-31', territories: 'GREATER-CHINA', media: ['svod'] });
      const of = (code: string) => body.entries.find((e: { territories: string[] }) => e.territories.includes(code));
      expect(
        of('CN-mainland').windows.map((w: { from: string; to: string; exclusiveAvailable: boolean; nonExclusiveAvailable: boolean }) => [
          w.from,
          w.to,
          w.exclusiveAvailable,
          w.nonExclusiveAvailable,
        ]),
      ).toEqual([
        ['2026-01-01', '2026-02-28', true, true],
        ['2026-03-01', '2026-06-30', false, false],
        ['2026-07-01', '2026-12-31', true, true],
      ]);
      expect(of('CN-mainland').windows[1].conflicts).toEqual([
        { licenseId: mine.id, contractNumber: mine.contractNumber, exclusive: true, description: `exclusive licence ${mine.contractNumber} (${mine.id})` },
      ]);
      const hk = of('HK').windows;
      expect(hk.map((w: { from: string }) => w.from)).toEqual(['2026-01-01', '2026-05-01']);
      expect(hk[1].conflicts).toEqual([{ licenseId: null, contractNumber: null, exclusive: true, description: 'an exclusive licence you cannot see' }]);
      const tw = of('TW').windows;
      expect(tw[0]).toMatchObject({ from: '2026-01-01', to: '2026-01-31', exclusiveAvailable: false, nonExclusiveAvailable: true, restriction: 'licensed' });
      expect(of('MO').windows).toEqual([
        { from: '2026-01-01', to: '2026-12-31', exclusiveAvailable: true, nonExclusiveAvailable: true, restriction: null, conflicts: [] },
      ]);
      // The other team sees its own licence named, and the first team's hidden.
      const theirs = (await call('overseas', 'GET', `/api/v1/titles/${title}/availability?territory=CN&media=svod&from=2026-03-01&to=2026-03-01`)).json();
      expect(theirs.entries[0].windows[0].conflicts[0]).toMatchObject({ licenseId: null, description: 'an exclusive licence you cannot see' });
      expect(JSON.stringify(theirs)).not.toContain(mine.contractNumber);
    });

    it('defaults to WORLD, the media held and today until the end of the rights', async () => {
      const title = await titleWithRights();
      const body = (await call('rights', 'GET', `/api/v1/titles/${title}/availability`)).json();
      expect(body).toMatchObject({ from: '2026-03-01', to: '2026-12-31', territories: 'WORLD', media: ['free_tv', 'svod'] });
      expect(body.entries).toHaveLength(2);
      expect(body.entries[0]).toMatchObject({ medium: 'free_tv', territories: ['GREATER-CHINA'], except: [] });
    });

    it('refuses what it cannot answer: unknown title (404), bad query (400, 422), no permission (403)', async () => {
      const title = await titleWithRights();
      expect((await call('rights', 'GET', '/api/v1/titles/0190a5b4-7c1e-7000-8000-000000000000/availability')).statusCode).toBe(404);
      expect((await call('rights', 'GET', `/api/v1/titles/${title}/availability?territory=XX`)).statusCode).toBe(400);
      expect((await call('rights', 'GET', `/api/v1/titles/${title}/availability?media=cinema`)).statusCode).toBe(400);
      expect((await call('rights', 'GET', `/api/v1/titles/${title}/availability?from=2026-02-30`)).statusCode).toBe(400);
      expect((await call('rights', 'GET', `/api/v1/titles/${title}/availability?from=2026-05-01&to=2026-04-01`)).statusCode).toBe(422);
      expect((await call('seller', 'GET', `/api/v1/titles/${title}/availability`)).statusCode).toBe(403);
    });
  });

  describe('payment schedules', () => {
    it('schedules payments up to the fee, derives their status from today and records payment', async () => {
      const title = await titleWithRights();
      const lic = await created('rights', '/api/v1/licenses', licence(title, { currency: 'USD' }));
      const mg = await created('rights', '/api/v1/license-payments', {
        licenseId: lic.id,
        kind: 'minimum_guarantee',
        dueDate: '2026-02-28',
        amountFen: 300_00,
      });
      expect(mg).toMatchObject({ status: 'overdue', currency: 'USD', paidOn: null });
      const second = await created('rights', '/api/v1/license-payments', { licenseId: lic.id, kind: 'instalment', dueDate: '2026-03-01', amountFen: 500_00 });
      expect(second.status).toBe('due');
      const over = await call('rights', 'POST', '/api/v1/license-payments', { licenseId: lic.id, kind: 'royalty', dueDate: '2026-09-30', amountFen: 200_01 });
      expect(over.statusCode).toBe(409);
      expect(over.json().error.message).toBe(
        `licence ${lic.contractNumber}: the payment schedule would total 100001 fen (1000.01 USD), more than the licence fee of 100000 fen (1000.00 USD) by 1 fen`,
      );
      await created('rights', '/api/v1/license-payments', { licenseId: lic.id, kind: 'royalty', dueDate: '2026-09-30', amountFen: 200_00 });
      expect((await call('rights', 'PATCH', `/api/v1/license-payments/${second.id}`, { amountFen: 500_01 })).statusCode).toBe(409);
      const future = await call('rights', 'POST', `/api/v1/license-payments/${mg.id}/paid`, { paidOn: '2026-03-02' });
      expect(future.statusCode).toBe(422);
      const paid = await call('rights', 'POST', `/api/v1/license-payments/${mg.id}/paid`, {});
      expect(paid.json()).toMatchObject({ status: 'paid', paidOn: '2026-03-01' });
      const schedule = (await call('rights', 'GET', `/api/v1/licenses/${lic.id}/payments`)).json();
      expect(schedule).toMatchObject({
        currency: 'USD',
        feeFen: 1000_00,
        scheduledFen: 1000_00,
        unscheduledFen: 0,
        paidFen: 300_00,
        dueFen: 700_00,
        overdueFen: 0,
      });
      expect(schedule.payments.map((p: { kind: string; status: string }) => `${p.kind}:${p.status}`)).toEqual([
        'minimum_guarantee:paid',
        'instalment:due',
        'royalty:due',
      ]);
      const listed = (await call('rights', 'GET', `/api/v1/license-payments?licenseId=${lic.id}&sort=dueDate&order=desc`)).json().items;
      expect(listed.map((p: { dueDate: string; status: string }) => `${p.dueDate}:${p.status}`)).toEqual([
        '2026-09-30:due',
        '2026-03-01:due',
        '2026-02-28:paid',
      ]);
      // A day later (tokens last a day: still within it) the unpaid instalment is overdue.
      vi.setSystemTime(new Date('2026-03-02T00:30:00Z'));
      try {
        expect((await call('rights', 'GET', `/api/v1/license-payments/${second.id}`)).json().status).toBe('overdue');
      } finally {
        vi.setSystemTime(new Date('2026-03-01T01:00:00Z'));
      }
      const lowered = await call('rights', 'PATCH', `/api/v1/licenses/${lic.id}`, { feeFen: 999_99 });
      expect(lowered.statusCode).toBe(409);
      expect(lowered.json().error.message).toContain('would be less than its payment schedule, which totals 100000 fen');
    });

    it('lets parallel instalments fill the fee and no more', async () => {
      const title = await titleWithRights();
      const lic = await created('rights', '/api/v1/licenses', licence(title));
      const attempts = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          call('rights', 'POST', '/api/v1/license-payments', { licenseId: lic.id, kind: 'instalment', dueDate: `2026-0${i + 4}-01`, amountFen: 300_00 }),
        ),
      );
      expect(attempts.map((a) => a.statusCode).sort()).toEqual([201, 201, 201, 409, 409]);
      expect((await call('rights', 'GET', `/api/v1/licenses/${lic.id}/payments`)).json().scheduledFen).toBe(900_00);
    });

    it('schedules nothing under a cancelled licence, and hides payments from another team', async () => {
      const title = await titleWithRights();
      const lic = await created('rights', '/api/v1/licenses', licence(title));
      const payment = await created('rights', '/api/v1/license-payments', { licenseId: lic.id, kind: 'instalment', dueDate: '2026-04-01', amountFen: 100_00 });
      expect((await call('overseas', 'GET', `/api/v1/license-payments/${payment.id}`)).statusCode).toBe(404);
      expect((await call('overseas', 'POST', `/api/v1/license-payments/${payment.id}/paid`, {})).statusCode).toBe(404);
      expect((await call('overseas', 'GET', `/api/v1/licenses/${lic.id}/payments`)).statusCode).toBe(404);
      expect(
        (await call('overseas', 'POST', '/api/v1/license-payments', { licenseId: lic.id, kind: 'instalment', dueDate: '2026-04-01', amountFen: 1 })).statusCode,
      ).toBe(422);
      await call('rights', 'PATCH', `/api/v1/licenses/${lic.id}`, { status: 'cancelled' });
      const refused = await call('rights', 'POST', '/api/v1/license-payments', { licenseId: lic.id, kind: 'instalment', dueDate: '2026-05-01', amountFen: 1 });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.message).toContain('is cancelled');
      expect((await call('rights', 'POST', `/api/v1/license-payments/${payment.id}/paid`, {})).statusCode).toBe(200);
      expect((await call('rights', 'DELETE', `/api/v1/licenses/${lic.id}`)).statusCode).toBe(409);
    });
  });

  describe('the dashboard', () => {
    it('adds up signed licences by title and year and the payments due, from what the caller may see', async () => {
      const title = await titleWithRights();
      const signed = await created('rights', '/api/v1/licenses', licence(title, { status: 'signed', feeFen: 5000_00, currency: 'HKD' }));
      await created('rights', '/api/v1/licenses', licence(title, { territories: 'HK', feeFen: 7000_00 }));
      await created('rights', '/api/v1/license-payments', { licenseId: signed.id, kind: 'minimum_guarantee', dueDate: '2026-02-01', amountFen: 1000_00 });
      await created('rights', '/api/v1/license-payments', { licenseId: signed.id, kind: 'instalment', dueDate: '2026-04-15', amountFen: 2000_00 });
      const mine = (await call('rights', 'GET', '/api/v1/dashboards/licensing')).json();
      expect(mine.asOf).toBe('2026-03-01');
      expect(mine.revenue.filter((r: { titleId: string }) => r.titleId === title)).toEqual([
        { titleId: title, titleZh: expect.stringMatching(/^人世间/), titleEn: 'A Lifelong Journey', year: 2026, currency: 'HKD', licences: 1, feeFen: 5000_00 },
      ]);
      // Only this test's licence is in HKD.
      expect(mine.payments.byMonth.filter((m: { currency: string }) => m.currency === 'HKD')).toEqual([
        { month: '2026-02', status: 'overdue', currency: 'HKD', count: 1, amountFen: 1000_00 },
        { month: '2026-04', status: 'due', currency: 'HKD', count: 1, amountFen: 2000_00 },
      ]);
      expect(mine.payments.overdue.find((m: { currency: string }) => m.currency === 'HKD')).toEqual({ currency: 'HKD', count: 1, amountFen: 1000_00 });
      const theirs = (await call('overseas', 'GET', '/api/v1/dashboards/licensing')).json();
      expect(theirs.revenue.filter((r: { titleId: string }) => r.titleId === title)).toEqual([]);
      expect(theirs.payments.byMonth.filter((m: { currency: string }) => m.currency === 'HKD')).toEqual([]);
      expect((await call('seller', 'GET', '/api/v1/dashboards/licensing')).statusCode).toBe(403);
    });
  });
});
