import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall } from '../helpers/test-install.js';

/**
 * Sorted lists page by keyset on (field, id): paging through a list sorted by a field with many ties
 * and empty values returns every record exactly once, in the order of one big page, on both
 * databases. Saved views belong to their user and name plain fields only.
 */
describe.each(testDialects)('sorted lists and saved views on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const { call, addCallers } = apiCallers(() => app);
  const industries = ['media', 'food', null, 'auto', 'media', null, 'food'];

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    await addCallers(install.kernel, {
      manager: [['sales_manager'], 'North'],
      other: [['sales_manager'], 'North'],
    });
    for (let i = 0; i < 23; i += 1) {
      const industry = industries[i % industries.length];
      const res = await call('manager', 'POST', '/api/v1/accounts', {
        name: `Account ${String(i % 5).padStart(2, '0')}`,
        kind: i % 3 === 0 ? 'agency' : 'advertiser',
        ...(industry ? { industry } : {}),
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => stopTestApp({ install, app }));

  async function pages(query: string, limit: number) {
    const seen: { id: string; industry: string | null; name: string; kind: string; createdAt: string }[] = [];
    let cursor: string | null = null;
    let rounds = 0;
    do {
      const url = `/api/v1/accounts?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await call('manager', 'GET', url);
      expect(res.statusCode, res.body).toBe(200);
      seen.push(...res.json().items);
      cursor = res.json().nextCursor;
      rounds += 1;
    } while (cursor && rounds < 100);
    return seen;
  }

  for (const [field, order] of [
    ['industry', 'asc'],
    ['industry', 'desc'],
    ['name', 'asc'],
    ['name', 'desc'],
    ['createdAt', 'desc'],
    ['kind', 'asc'],
    ['id', 'desc'],
  ] as const) {
    it(`pages through accounts sorted by ${field} ${order} with ties and empty values, each exactly once`, async () => {
      const whole = await pages(`sort=${field}&order=${order}`, 200);
      expect(whole).toHaveLength(23);
      for (const limit of [1, 4, 7]) {
        const paged = await pages(`sort=${field}&order=${order}`, limit);
        expect(paged.map((a) => a.id)).toEqual(whole.map((a) => a.id));
      }
      // The order itself: by the field (empty last ascending, first descending), then by id.
      const values = whole.map((a) => a[field]);
      const rank = (v: string | null) => (v === null ? 1 : 0);
      for (let i = 1; i < whole.length; i += 1) {
        const [a, b] = [values[i - 1] ?? null, values[i] ?? null];
        const nulls = order === 'asc' ? rank(a) - rank(b) : rank(b) - rank(a);
        expect(nulls, `${a} then ${b}`).toBeLessThanOrEqual(0);
        if (a === b) {
          const [x, y] = [whole[i - 1]?.id ?? '', whole[i]?.id ?? ''];
          expect(order === 'asc' ? x < y : x > y, `ties by id ${order}`).toBe(true);
        }
      }
      if (field === 'industry') {
        const empty = values.filter((v) => v === null).length;
        expect(empty).toBeGreaterThan(0);
        if (order === 'asc') expect(values.slice(-empty)).toEqual(Array(empty).fill(null));
        else expect(values.slice(0, empty)).toEqual(Array(empty).fill(null));
      }
    });
  }

  it('combines a sort with filters, refuses a personal sort (422) and a cursor of another sort (400)', async () => {
    const agencies = await pages('kind=agency&sort=name&order=desc', 3);
    expect(agencies.length).toBe(8);
    expect(agencies.every((a) => a.kind === 'agency')).toBe(true);
    expect(agencies.map((a) => a.name)).toEqual([...agencies.map((a) => a.name)].sort().reverse());
    const first = (await call('manager', 'GET', '/api/v1/accounts?sort=name&limit=2')).json().nextCursor;
    expect((await call('manager', 'GET', `/api/v1/accounts?sort=industry&limit=2&cursor=${first}`)).statusCode).toBe(400);
    expect((await call('manager', 'GET', '/api/v1/accounts?sort=nothing')).statusCode).toBe(422);
    expect((await call('manager', 'GET', '/api/v1/accounts?sort=kind&order=sideways')).statusCode).toBe(400);
    expect((await call('manager', 'GET', '/api/v1/accounts?cursor=not-a-cursor')).statusCode).toBe(400);
  });

  it('saves a view of plain fields only, owned by its user, and applies it to the list', async () => {
    const bad = [
      { object: 'contacts', name: 'By mail', filters: { email: 'a@example.com' } },
      { object: 'contacts', name: 'By phone', sort: 'phone' },
      { object: 'contacts', name: 'By ID range', ranges: { idNumber: { from: '1' } } },
      { object: 'accounts', name: 'Wrong type', filters: { name: 5 } },
      { object: 'accounts', name: 'No field', filters: { nothing: 'x' } },
      { object: 'accounts', name: 'Range on text', ranges: { name: { from: 'a' } } },
    ];
    for (const body of bad) expect((await call('manager', 'POST', '/api/v1/saved-views', body)).statusCode, body.name).toBe(422);
    expect((await call('manager', 'POST', '/api/v1/saved-views', { object: 'titles-that-do-not-exist', name: 'x' })).statusCode).toBe(422);

    const made = await call('manager', 'POST', '/api/v1/saved-views', {
      object: 'accounts',
      name: 'Media agencies',
      filters: { industry: 'media' },
      sort: 'name',
      order: 'desc',
    });
    expect(made.statusCode, made.body).toBe(201);
    const view = made.json();
    expect(view).toMatchObject({ object: 'accounts', name: 'Media agencies', filters: { industry: 'media' }, ranges: {}, sort: 'name', order: 'desc' });
    expect((await call('manager', 'POST', '/api/v1/saved-views', { object: 'accounts', name: 'Media agencies' })).statusCode).toBe(409);

    const applied = await call('manager', 'GET', `/api/v1/accounts?view=${view.id}&limit=200`);
    expect(applied.statusCode, applied.body).toBe(200);
    const names = applied.json().items.map((a: { name: string; industry: string }) => a.name);
    expect(applied.json().items.every((a: { industry: string }) => a.industry === 'media')).toBe(true);
    expect(names.length).toBe(7);
    expect(names).toEqual([...names].sort().reverse());
    // Explicit parameters win over the view's.
    const overridden = await call('manager', 'GET', `/api/v1/accounts?view=${view.id}&sort=name&order=asc&kind=agency&limit=200`);
    const again = overridden.json().items;
    expect(again.every((a: { industry: string; kind: string }) => a.industry === 'media' && a.kind === 'agency')).toBe(true);
    expect(again.map((a: { name: string }) => a.name)).toEqual(again.map((a: { name: string }) => a.name).sort());

    // Another user: the view does not exist for them, anywhere.
    expect((await call('other', 'GET', `/api/v1/saved-views/${view.id}`)).statusCode).toBe(404);
    expect((await call('other', 'GET', `/api/v1/accounts?view=${view.id}`)).statusCode).toBe(404);
    expect((await call('other', 'PATCH', `/api/v1/saved-views/${view.id}`, { name: 'Mine now' })).statusCode).toBe(404);
    expect((await call('other', 'DELETE', `/api/v1/saved-views/${view.id}`)).statusCode).toBe(404);
    expect((await call('other', 'GET', '/api/v1/saved-views')).json().items).toEqual([]);
    // A view of another object is not found on this one; contacts refuse a sort by a personal field.
    expect((await call('manager', 'GET', `/api/v1/contacts?view=${view.id}`)).statusCode).toBe(404);
    expect((await call('manager', 'GET', '/api/v1/contacts?sort=email')).statusCode).toBe(422);
    expect((await call('manager', 'GET', '/api/v1/contacts?sort=createdAt&order=desc')).statusCode).toBe(200);

    const listed = await call('manager', 'GET', '/api/v1/saved-views?object=accounts');
    expect(listed.json().items.map((v: { id: string }) => v.id)).toEqual([view.id]);
    expect((await call('manager', 'PATCH', `/api/v1/saved-views/${view.id}`, { sort: 'email' })).statusCode).toBe(422);
    const changed = await call('manager', 'PATCH', `/api/v1/saved-views/${view.id}`, { sort: null, filters: { kind: 'agency' } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ sort: null, filters: { kind: 'agency' } });
    expect((await call('manager', 'DELETE', `/api/v1/saved-views/${view.id}`)).statusCode).toBe(204);
    expect((await call('manager', 'GET', `/api/v1/saved-views/${view.id}`)).statusCode).toBe(404);
  });
});
