import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainStore } from '../../src/modules/domain-store.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall, TestUser } from '../helpers/test-install.js';

/**
 * Licences out over HTTP on both databases: a licence overlapping an exclusive one (same title,
 * territory, medium and day), an exclusive one overlapping any, or one outside the rights held is
 * refused with 409 naming the conflict or the gap, and nothing is written; parallel requests for the
 * same exclusive window let exactly one through; another team's licence is named only as one the
 * caller cannot see; the rights held cannot shrink under a live licence.
 */
describe.each(testDialects)('licences and the rights held on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const api = apiCallers(() => app);
  const { call, addCallers } = api;
  const created = async (who: string, url: string, payload: object): Promise<string> => (await api.created(who, url, payload)).id;
  let manager: TestUser;
  let licensor: string;
  let licensee: string;
  let counter = 0;
  const nextNumber = () => `LIC-${dialect}-${++counter}`;

  /** A title with exclusive WORLD svod + free_tv rights for 2026 and non-exclusive HK pay TV. */
  async function titleWithRights(): Promise<string> {
    const title = await created('rights', '/api/v1/titles', { titleZh: `山海情 ${++counter}`, kind: 'series', episodes: 23, minutesPerEpisode: 45 });
    const base = { titleId: title, licensorAccountId: licensor, windowStart: '2026-01-01', windowEnd: '2026-12-31' };
    await created('rights', '/api/v1/rights', { ...base, contractNumber: `RI-${counter}-A`, territories: 'WORLD', media: 'svod,free_tv', exclusive: true });
    await created('rights', '/api/v1/rights', { ...base, contractNumber: `RI-${counter}-B`, territories: 'HK', media: 'pay_tv' });
    return title;
  }
  const licence = (titleId: string, over: object = {}) => ({
    titleId,
    licenseeAccountId: licensee,
    contractNumber: nextNumber(),
    territories: 'CN',
    media: 'svod',
    windowStart: '2026-03-01',
    windowEnd: '2026-06-30',
    exclusive: true,
    feeFen: 1_000_000_00,
    ...over,
  });
  const licencesOf = async (titleId: string) => (await call('rights', 'GET', `/api/v1/licenses?titleId=${titleId}&limit=200`)).json().items;

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    ({ rights: manager } = await addCallers(install.kernel, {
      rights: [['licensing_manager'], 'Rights'],
      overseas: [['licensing_manager'], 'Overseas'],
      seller: [['sales_rep'], 'Rights'],
    }));
    licensor = await created('rights', '/api/v1/accounts', { name: '正午阳光', kind: 'licensor', country: 'CN' });
    licensee = await created('rights', '/api/v1/accounts', { name: 'Sample Stream Ltd', kind: 'licensee', country: 'HK' });
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('sells a licence inside the rights held and shows it with its terms', async () => {
    const title = await titleWithRights();
    const res = await call('rights', 'POST', '/api/v1/licenses', licence(title, { territories: 'cn, hk', media: 'SVOD' }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ territories: 'CN,HK', media: 'svod', exclusive: true, status: 'draft', currency: 'CNY', signedOn: null });
    const signed = await call('rights', 'PATCH', `/api/v1/licenses/${res.json().id}`, { status: 'signed' });
    expect(signed.json().signedOn).toBe(new Date().toISOString().slice(0, 10));
  });

  it.each([
    ['ends the day before the exclusive one starts', { windowStart: '2026-01-01', windowEnd: '2026-02-28' }, 201],
    ['starts the day after it ends', { windowStart: '2026-07-01', windowEnd: '2026-12-31' }, 201],
    ['starts on its last day', { windowStart: '2026-06-30', windowEnd: '2026-09-30' }, 409],
    ['in another territory', { territories: 'HK' }, 201],
    ['in the same territory', { territories: 'CN' }, 409],
    ['WORLD over CN', { territories: 'WORLD' }, 409],
    ['OVERSEAS beside CN', { territories: 'OVERSEAS' }, 201],
    ['in another medium', { media: 'free_tv' }, 201],
    ['non-exclusive over the exclusive one', { exclusive: false }, 409],
  ])('against an exclusive CN svod licence: one that %s answers %s', async (_name, over, expected) => {
    const title = await titleWithRights();
    const first = await call('rights', 'POST', '/api/v1/licenses', licence(title));
    expect(first.statusCode, first.body).toBe(201);
    const res = await call('rights', 'POST', '/api/v1/licenses', licence(title, over));
    expect(res.statusCode, res.body).toBe(expected);
    if (expected === 409) {
      expect(res.json().error.code).toBe('conflict');
      expect(res.json().error.message).toContain(`licence ${first.json().contractNumber} (${first.json().id})`);
      expect(await licencesOf(title)).toHaveLength(1);
    }
  });

  it('lets non-exclusive licences sit side by side, and refuses an exclusive one over them', async () => {
    const title = await titleWithRights();
    await created('rights', '/api/v1/licenses', licence(title, { exclusive: false }));
    await created('rights', '/api/v1/licenses', licence(title, { exclusive: false, territories: 'GREATER-CHINA' }));
    const exclusive = await call(
      'rights',
      'POST',
      '/api/v1/licenses',
      licence(title, { territories: 'CN', windowStart: '2026-06-30', windowEnd: '2026-07-31' }),
    );
    expect(exclusive.statusCode).toBe(409);
    expect(exclusive.json().error.message).toContain('an exclusive licence may not overlap any licence');
    expect(await licencesOf(title)).toHaveLength(2);
  });

  it('refuses a licence outside the rights held, saying what is not covered', async () => {
    const title = await titleWithRights();
    const cases: [object, string][] = [
      [{ windowEnd: '2027-01-31' }, 'not covered: CN-mainland × svod from 2027-01-01 to 2027-01-31'],
      [{ media: 'svod,theatrical' }, 'CN-mainland × theatrical from 2026-03-01 to 2026-06-30'],
      [{ territories: 'HK', media: 'pay_tv' }, 'outside the exclusive rights held for the title: not covered: HK × pay_tv'],
      [{ territories: 'WORLD', media: 'pay_tv', exclusive: false }, 'not covered: WORLD except HK × pay_tv from 2026-03-01 to 2026-06-30'],
    ];
    for (const [over, message] of cases) {
      const res = await call('rights', 'POST', '/api/v1/licenses', licence(title, over));
      expect(res.statusCode, JSON.stringify(over)).toBe(409);
      expect(res.json().error.message).toContain(message);
    }
    expect((await call('rights', 'POST', '/api/v1/licenses', licence(title, { territories: 'HK', media: 'pay_tv', exclusive: false }))).statusCode).toBe(201);
    expect(await licencesOf(title)).toHaveLength(1);
  });

  it('refuses bad input with 400 / 422 and writes nothing', async () => {
    const title = await titleWithRights();
    for (const bad of [
      { territories: 'XX' },
      { territories: '' },
      { media: 'cinema' },
      { windowStart: '2026-02-30' },
      { feeFen: -1 },
      { currency: 'yuan' },
      { status: 'active' },
    ]) {
      expect((await call('rights', 'POST', '/api/v1/licenses', licence(title, bad))).statusCode, JSON.stringify(bad)).toBe(400);
    }
    const backwards = await call('rights', 'POST', '/api/v1/licenses', licence(title, { windowStart: '2026-06-30', windowEnd: '2026-03-01' }));
    expect(backwards.statusCode).toBe(422);
    expect(await licencesOf(title)).toHaveLength(0);
  });

  it('lets a cancelled licence block nothing, and never come back', async () => {
    const title = await titleWithRights();
    const first = await created('rights', '/api/v1/licenses', licence(title));
    expect((await call('rights', 'POST', '/api/v1/licenses', licence(title))).statusCode).toBe(409);
    expect((await call('rights', 'PATCH', `/api/v1/licenses/${first}`, { status: 'cancelled' })).statusCode).toBe(200);
    const second = await created('rights', '/api/v1/licenses', licence(title));
    const back = await call('rights', 'PATCH', `/api/v1/licenses/${first}`, { status: 'draft' });
    expect(back.statusCode).toBe(409);
    expect(back.json().error.message).toBe('a cancelled licence cannot become draft: make a new licence');
    expect((await call('rights', 'GET', `/api/v1/licenses/${second}`)).json().status).toBe('draft');
  });

  it('keeps the terms of a signed licence, and keeps it from deletion', async () => {
    const title = await titleWithRights();
    const id = await created('rights', '/api/v1/licenses', licence(title, { status: 'signed' }));
    const changed = await call('rights', 'PATCH', `/api/v1/licenses/${id}`, { feeFen: 1 });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.message).toContain('the terms of a signed licence are fixed (feeFen)');
    const deleted = await call('rights', 'DELETE', `/api/v1/licenses/${id}`);
    expect(deleted.statusCode).toBe(409);
    expect((await call('rights', 'GET', `/api/v1/licenses/${id}`)).json().feeFen).toBe(1_000_000_00);
  });

  it("names another team's conflicting licence only as one the caller cannot see, and hides it (404)", async () => {
    const title = await titleWithRights();
    const theirs = await call('overseas', 'POST', '/api/v1/licenses', licence(title, { territories: 'HK' }));
    expect(theirs.statusCode, theirs.body).toBe(201);
    const mine = await call('rights', 'POST', '/api/v1/licenses', licence(title, { territories: 'GREATER-CHINA' }));
    expect(mine.statusCode).toBe(409);
    expect(mine.json().error.message).toContain('an exclusive licence you cannot see in HK × svod from 2026-03-01 to 2026-06-30');
    expect(mine.json().error.message).not.toContain(theirs.json().contractNumber);
    expect(mine.json().error.message).not.toContain(theirs.json().id);
    expect((await call('rights', 'GET', `/api/v1/licenses/${theirs.json().id}`)).statusCode).toBe(404);
    expect((await call('rights', 'PATCH', `/api/v1/licenses/${theirs.json().id}`, { runs: 3 })).statusCode).toBe(404);
    expect((await call('rights', 'DELETE', `/api/v1/licenses/${theirs.json().id}`)).statusCode).toBe(404);
  });

  it('lets exactly one of parallel requests take the same exclusive window', async () => {
    const title = await titleWithRights();
    const attempts = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        call(i % 2 ? 'overseas' : 'rights', 'POST', '/api/v1/licenses', licence(title, { territories: i % 3 ? 'CN' : 'WORLD' })),
      ),
    );
    expect(attempts.map((a) => a.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const [rights, overseas] = [await licencesOf(title), (await call('overseas', 'GET', `/api/v1/licenses?titleId=${title}`)).json().items];
    expect(rights.length + overseas.length).toBe(1);
  });

  it('keeps the rights held from shrinking under a live licence', async () => {
    const title = await titleWithRights();
    const rights = (await call('rights', 'GET', `/api/v1/rights?titleId=${title}`)).json().items;
    const world = rights.find((r: { territories: string }) => r.territories === 'WORLD');
    const sold = await created('rights', '/api/v1/licenses', licence(title, { territories: 'HK' }));
    const narrowed = await call('rights', 'PATCH', `/api/v1/rights/${world.id}`, { territories: 'CN' });
    expect(narrowed.statusCode).toBe(409);
    expect(narrowed.json().error.message).toContain(`rights-in ${world.contractNumber}: the rights held would no longer cover`);
    expect(narrowed.json().error.message).toContain(`(${sold}) (HK × svod from 2026-03-01 to 2026-06-30)`);
    expect((await call('rights', 'DELETE', `/api/v1/rights/${world.id}`)).statusCode).toBe(409);
    expect((await call('rights', 'PATCH', `/api/v1/rights/${world.id}`, { windowEnd: '2026-09-30' })).statusCode).toBe(200);
    expect((await call('rights', 'PATCH', `/api/v1/licenses/${sold}`, { status: 'cancelled' })).statusCode).toBe(200);
    expect((await call('rights', 'PATCH', `/api/v1/rights/${world.id}`, { territories: 'CN' })).statusCode).toBe(200);
  });

  it('gives sellers the title list and nothing of rights or licences; keeps rights in their team', async () => {
    const title = await titleWithRights();
    expect((await call('seller', 'GET', `/api/v1/titles/${title}`)).json().titleZh).toMatch(/^山海情/);
    expect((await call('seller', 'GET', '/api/v1/licenses')).statusCode).toBe(403);
    expect((await call('seller', 'GET', '/api/v1/rights')).statusCode).toBe(403);
    expect((await call('seller', 'POST', '/api/v1/titles', { titleZh: 'X', kind: 'film' })).statusCode).toBe(403);
    expect((await call('overseas', 'GET', `/api/v1/rights?titleId=${title}`)).json().items).toEqual([]);
    expect((await call('rights', 'DELETE', `/api/v1/titles/${title}`)).statusCode).toBe(409);
  });

  it('holds the rules for writes in bulk too (import, demo): two conflicting licences in one call write nothing', async () => {
    const title = await titleWithRights();
    const store = domainStore(install.kernel);
    const attempt = store.createMany(manager.actor, noRequest, 'licenses', [
      licence(title),
      licence(title, { territories: 'WORLD', windowStart: '2026-06-30' }),
    ]);
    await expect(attempt).rejects.toMatchObject({ status: 409 });
    expect(await licencesOf(title)).toHaveLength(0);
    await store.createMany(manager.actor, noRequest, 'licenses', [licence(title), licence(title, { windowStart: '2026-07-01', windowEnd: '2026-07-31' })]);
    expect(await licencesOf(title)).toHaveLength(2);
  });

  it('refuses a duplicate contract number', async () => {
    const title = await titleWithRights();
    const body = licence(title, { exclusive: false });
    await created('rights', '/api/v1/licenses', body);
    const again = await call('rights', 'POST', '/api/v1/licenses', { ...body, territories: 'HK' });
    expect(again.statusCode).toBe(409);
  });
});
