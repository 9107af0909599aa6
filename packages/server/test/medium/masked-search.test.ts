import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall, type TestUser, tokenFor } from '../helpers/test-install.js';

type App = Awaited<ReturnType<typeof buildApp>>;

/**
 * A masked value is a search oracle: a service agent who sees `1******8000` can try the 10⁶ middle
 * digits. Searching stays (a caller gives their own number), but every search is audited — misses too —
 * and searches by a field the user sees masked count against a per-user quota kept in the database.
 */
describe.each(testDialects)('masked-field search quota on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let agent: TestUser;
  let agentToken: string;
  let manager: TestUser;
  let managerToken: string;
  let repToken: string;
  let contactId: string;
  let subjectId: string;
  // 10:00:01 UTC: the whole first test runs within one UTC minute (the clock is faked and stands still).
  const start = new Date('2031-03-04T10:00:01.000Z');

  const call = (token: string, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...headers }, ...(payload ? { payload } : {}) });
  const searchPhone = (token: string, phone: string, via: 'GET' | 'POST' = 'POST') =>
    via === 'GET'
      ? call(token, 'GET', `/api/v1/contacts?phone=${encodeURIComponent(phone)}`)
      : call(token, 'POST', '/api/v1/contacts/search', { field: 'phone', value: phone });
  const db = () => install.kernel.db.kysely;
  const quotaRows = (userId: string) => db().selectFrom('search_quota').selectAll().where('user_id', '=', userId).orderBy('span').execute();
  const searchEvents = (userId: string) =>
    db()
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'personal_data.search')
      .where((eb) => eb.or([eb('actor_id', '=', userId), eb('actor_id', 'like', `${userId}/%`)]))
      .orderBy('seq')
      .execute();
  const statuses = (responses: LightMyRequestResponse[]) => responses.map((r) => r.statusCode).sort();

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(start);
    install = await createTestInstall(dialect);
    app = await buildApp(install.kernel, { logger: false, rateLimitPerMinute: 100_000 });
    await app.ready();
    agent = await addUser(install.kernel, ['service_agent'], 'Care');
    agentToken = await tokenFor(install.kernel, agent);
    manager = await addUser(install.kernel, ['sales_manager'], 'Sales');
    managerToken = await tokenFor(install.kernel, manager);
    repToken = await tokenFor(install.kernel, await addUser(install.kernel, ['sales_rep'], 'Sales'));
    const created = await call(managerToken, 'POST', '/api/v1/contacts', { name: '陈静', phone: '13812348000', idNumber: '110101199003071234' });
    expect(created.statusCode, created.body).toBe(201);
    contactId = created.json().id;
    subjectId = (await db().selectFrom('contacts').select('subject_id').where('id', '=', contactId).executeTakeFirstOrThrow()).subject_id;
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
  });

  it('refuses the 31st masked search in a minute with 429 rate_limited, even when the searches come in parallel, and audits each refusal', async () => {
    // The agent sees the phone masked: 1******8000. 35 guesses at once, through both search forms.
    const guesses = Array.from({ length: 35 }, (_, i) => `1381234${String(7990 + i).padStart(4, '0')}`);
    const responses = await Promise.all(guesses.map((phone, i) => searchPhone(agentToken, phone, i % 2 ? 'GET' : 'POST')));
    expect(statuses(responses)).toEqual([...Array(30).fill(200), ...Array(5).fill(429)]);
    const hit = responses.find((r) => r.statusCode === 200 && r.json().items.length > 0);
    if (hit) expect(hit.json().items[0].phone).toBe('1******8000');
    for (const refused of responses.filter((r) => r.statusCode === 429)) {
      expect(refused.json().error).toMatchObject({ code: 'rate_limited', details: { quota: 'minute', limit: 30, retryAfterSeconds: 59 } });
      expect(refused.headers['retry-after']).toBe('59');
    }
    // One counter in the database, never past the limit: a refused search counts nothing.
    expect(await quotaRows(agent.id)).toEqual([
      { user_id: agent.id, span: 'day', bucket: Math.floor(start.getTime() / 86_400_000), used: 30 },
      { user_id: agent.id, span: 'minute', bucket: Math.floor(start.getTime() / 60_000), used: 30 },
    ]);
    const events = await searchEvents(agent.id);
    expect(events.filter((e) => e.outcome === 'success')).toHaveLength(30);
    const refusals = events.filter((e) => e.outcome === 'refused');
    expect(refusals).toHaveLength(5);
    for (const e of refusals) {
      expect(JSON.parse(String(e.detail))).toEqual({ searchedBy: 'phone', searchedMasked: true, quota: 'minute', limit: 30 });
      expect(JSON.parse(String(e.fields))).toEqual(['phone']);
      expect(e.subject_ids).toBeNull();
    }
    // Still refused a moment later; a hidden field is refused (403) before the quota is even looked at.
    expect((await searchPhone(agentToken, '13812348000')).statusCode).toBe(429);
    expect((await call(repToken, 'POST', '/api/v1/contacts/search', { field: 'idNumber', value: '110101199003071234' })).statusCode).toBe(403);
  });

  it('does not count searches by a field the user can read', async () => {
    // The agent reads names: not counted, even while the masked quota is used up.
    const byName = await call(agentToken, 'POST', '/api/v1/contacts/search', { field: 'name', value: '陈静' });
    expect(byName.statusCode, byName.body).toBe(200);
    expect(byName.json().items.map((c: { id: string }) => c.id)).toEqual([contactId]);
    // The manager reads phone numbers: 40 searches at once, all answered, no counter at all.
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => searchPhone(managerToken, `138123${String(48000 + i)}`, i % 2 ? 'GET' : 'POST')));
    expect(statuses(responses)).toEqual(Array(40).fill(200));
    expect(await quotaRows(manager.id)).toEqual([]);
  });

  it('audits every search, misses included, with the field searched and the count', async () => {
    vi.setSystemTime(new Date(start.getTime() + 60_000));
    const before = (await searchEvents(agent.id)).length;
    const miss = await searchPhone(agentToken, '13800000000');
    expect(miss.statusCode, miss.body).toBe(200);
    expect(miss.json().items).toEqual([]);
    const hit = await searchPhone(agentToken, '+86 138 1234 8000', 'GET');
    expect(hit.json().items.map((c: { id: string }) => c.id)).toEqual([contactId]);
    const [missEvent, hitEvent] = (await searchEvents(agent.id)).slice(before);
    expect(missEvent).toMatchObject({ outcome: 'success', resource: 'contacts', subject_ids: null, request_id: String(miss.headers['x-request-id']) });
    expect(JSON.parse(String(missEvent?.fields))).toEqual(['phone']);
    expect(JSON.parse(String(missEvent?.detail))).toEqual({ searchedBy: 'phone', count: 0, searchedMasked: true });
    expect(JSON.parse(String(hitEvent?.subject_ids))).toEqual([subjectId]);
    expect(JSON.parse(String(hitEvent?.detail))).toEqual({ searchedBy: 'phone', count: 1, searchedMasked: true });
    // A miss by someone who reads the field is audited too (not marked as masked).
    const managerMiss = await call(managerToken, 'POST', '/api/v1/contacts/search', { field: 'email', value: 'nobody.here@example.com' });
    expect(managerMiss.json().items).toEqual([]);
    const [managerEvent] = (await searchEvents(manager.id)).slice(-1);
    expect(JSON.parse(String(managerEvent?.detail))).toEqual({ searchedBy: 'email', count: 0 });
    // The new minute has its own count; the day goes on counting.
    expect((await quotaRows(agent.id)).map((r) => [r.span, r.used])).toEqual([
      ['day', 32],
      ['minute', 2],
    ]);
  });

  it('refuses a malformed search body or value with a 4xx and counts nothing', async () => {
    const used = async () => (await quotaRows(agent.id)).map((r) => r.used);
    const before = await used();
    const bad: [object, number][] = [
      [{ field: 'phone' }, 400],
      [{ field: 'phone', value: '' }, 400],
      [{ field: 'phone', value: '1'.repeat(33) }, 400],
      [{ field: 'address', value: 'Main Street 1' }, 400],
      [{ field: 'phone', value: '13812348000', extra: true }, 400],
      [{ field: 'phone', value: '13812348000', limit: 0 }, 400],
      [{ field: 'phone', value: 'not a phone' }, 422],
    ];
    for (const [payload, status] of bad) {
      const res = await call(agentToken, 'POST', '/api/v1/contacts/search', payload);
      expect(res.statusCode, `${JSON.stringify(payload)}: ${res.body}`).toBe(status);
      expect(res.body).not.toContain('13812348000');
    }
    expect(await used()).toEqual(before);
  });

  it('documents the POST search in OpenAPI and prefers it over the GET form', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const post = doc.paths['/api/v1/contacts/search'].post;
    expect(post.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(post.requestBody.content['application/json'].schema.properties.field.enum).toEqual(['email', 'phone', 'idNumber', 'name']);
    expect(post.responses['429']).toBeDefined();
    expect(doc.paths['/api/v1/contacts'].get.summary).toContain('POST /api/v1/contacts/search is preferred');
  });
});

describe.each(testDialects)('masked-field search quota per day on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let agentToken: string;
  // Two minutes before UTC midnight: the day window ends during the test.
  const start = new Date('2031-03-04T23:58:10.000Z');
  const search = () =>
    app.inject({
      method: 'POST',
      url: '/api/v1/contacts/search',
      headers: { authorization: `Bearer ${agentToken}` },
      payload: { field: 'phone', value: '13812348000' },
    });

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(start);
    install = await createTestInstall(dialect, { CASTELLAN_MASKED_SEARCH_PER_MINUTE: '3', CASTELLAN_MASKED_SEARCH_PER_DAY: '5' });
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
    agentToken = await tokenFor(install.kernel, await addUser(install.kernel, ['service_agent'], 'Care'));
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
  });

  it('applies the configured minute and day limits, and a new UTC day starts afresh', async () => {
    const codes = async (n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await search()).statusCode);
      return out;
    };
    expect(await codes(4)).toEqual([200, 200, 200, 429]);
    vi.setSystemTime(new Date(start.getTime() + 60_000));
    expect(await codes(2)).toEqual([200, 200]);
    const dayRefusal = await search();
    expect(dayRefusal.statusCode).toBe(429);
    // 23:59:10 → midnight: 50 s.
    expect(dayRefusal.json().error.details).toEqual({ quota: 'day', limit: 5, retryAfterSeconds: 50 });
    vi.setSystemTime(new Date('2031-03-05T00:00:01.000Z'));
    expect(await codes(1)).toEqual([200]);
  });
});
