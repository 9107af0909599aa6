import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import { type TestInstall, USER_PASSWORD } from '../helpers/test-install.js';
import type { TotpSessions } from '../helpers/totp-sessions.js';

/**
 * Idempotency keys on creates: a repeat answers the first request's status and the record as it is
 * now (never a second record), parallel repeats make one record, the same key with another body is
 * a 409, keys are per caller and route, expire after 24 hours, and the table holds no personal value.
 */
describe.each(testDialects)('idempotency keys on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let sessions: TotpSessions;
  const users: Record<string, { email: string }> = {};
  const { tokens, call, addCallers } = apiCallers(() => app);
  const db = () => install.kernel.db.kysely as any;
  const post = (who: string, url: string, payload: object, key?: string) =>
    app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${tokens[who]}`, ...(key ? { 'idempotency-key': key } : {}) }, payload });
  const count = async (table: string, column: string, value: string) =>
    Number((await db().selectFrom(table).select(db().fn.countAll().as('n')).where(column, '=', value).executeTakeFirst()).n);

  beforeAll(async () => {
    ({ install, app, sessions } = await startTestApp(dialect));
    const made = await addCallers(install.kernel, {
      manager: [['sales_manager'], 'North'],
      mate: [['sales_manager'], 'North'],
      admin: [['system_admin']],
    });
    Object.assign(users, made);
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('answers a repeat with the same status and the current record, read again through the store, and creates once', async () => {
    const first = await post('manager', '/api/v1/accounts', { name: 'Oriental Pearl Media', kind: 'advertiser' }, 'acct-key-1');
    expect(first.statusCode, first.body).toBe(201);
    const id = first.json().id;
    const changed = await call('manager', 'PATCH', `/api/v1/accounts/${id}`, { name: 'Oriental Pearl Media Group' });
    expect(changed.statusCode, changed.body).toBe(200);
    const repeat = await post('manager', '/api/v1/accounts', { name: 'Oriental Pearl Media', kind: 'advertiser' }, 'acct-key-1');
    expect(repeat.statusCode, repeat.body).toBe(201);
    expect(repeat.json()).toMatchObject({ id, name: 'Oriental Pearl Media Group' });
    expect(await count('accounts', 'name', 'Oriental Pearl Media')).toBe(0);
    expect(await count('accounts', 'name', 'Oriental Pearl Media Group')).toBe(1);
    const created = await db().selectFrom('audit_events').select('id').where('action', '=', 'record.created').where('resource_id', '=', id).execute();
    expect(created).toHaveLength(1);
  });

  it('replays a contact with its masking and a read event, and stores neither the key nor any value of the body', async () => {
    const body = { name: '韩梅梅', email: 'han.meimei@example.cn', phone: '+86 139 0000 1111' };
    const first = await post('manager', '/api/v1/contacts', body, 'contact-key-secret-42');
    expect(first.statusCode, first.body).toBe(201);
    const id = first.json().id;
    const reads = async () => (await db().selectFrom('audit_events').select('id').where('action', '=', 'personal_data.read').execute()).length;
    const readsBefore = await reads();
    const repeat = await post('manager', '/api/v1/contacts', body, 'contact-key-secret-42');
    expect(repeat.statusCode, repeat.body).toBe(201);
    expect(repeat.json().id).toBe(id);
    // What a plain GET shows, masking included.
    const got = await call('manager', 'GET', `/api/v1/contacts/${id}`);
    expect(repeat.json()).toEqual(got.json());
    expect(await reads()).toBeGreaterThanOrEqual(readsBefore + 2);
    const rows = await db().selectFrom('idempotency_keys').selectAll().execute();
    const stored = JSON.stringify(rows);
    for (const value of ['韩梅梅', 'han.meimei', '139 0000', 'contact-key-secret-42', tokens.manager ?? 'x']) expect(stored).not.toContain(value);
    expect(rows.find((r: { record_id: string }) => r.record_id === id)).toMatchObject({ route: 'POST /api/v1/contacts', status: 201 });
  });

  it('creates exactly one record for parallel requests with the same key', async () => {
    const body = { name: 'Parallel Pictures', kind: 'advertiser' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => post('manager', '/api/v1/accounts', body, 'parallel-key')));
    for (const res of answers) expect(res.statusCode, res.body).toBe(201);
    expect(new Set(answers.map((r) => r.json().id)).size).toBe(1);
    expect(await count('accounts', 'name', 'Parallel Pictures')).toBe(1);
  });

  it('refuses the same key with a different body (409), and keeps keys per caller and per route', async () => {
    const first = await post('manager', '/api/v1/accounts', { name: 'Jade Studio', kind: 'advertiser' }, 'shared-key');
    expect(first.statusCode).toBe(201);
    const other = await post('manager', '/api/v1/accounts', { name: 'Jade Studio 2', kind: 'advertiser' }, 'shared-key');
    expect(other.statusCode, other.body).toBe(409);
    expect(other.json().error.code).toBe('conflict');
    expect(await count('accounts', 'name', 'Jade Studio 2')).toBe(0);
    // Another caller's key of the same text is their own.
    const mate = await post('mate', '/api/v1/accounts', { name: 'Jade Studio', kind: 'advertiser' }, 'shared-key');
    expect(mate.statusCode).toBe(201);
    expect(mate.json().id).not.toBe(first.json().id);
    // Another route's too.
    const contact = await post('manager', '/api/v1/contacts', { name: 'Jade Contact' }, 'shared-key');
    expect(contact.statusCode, contact.body).toBe(201);
    // Without a key every request creates.
    await post('manager', '/api/v1/accounts', { name: 'No Key Co', kind: 'advertiser' });
    await post('manager', '/api/v1/accounts', { name: 'No Key Co', kind: 'advertiser' });
    expect(await count('accounts', 'name', 'No Key Co')).toBe(2);
  });

  it('refuses a malformed key with 400 and creates nothing', async () => {
    for (const key of ['has space', 'x'.repeat(101), 'a/b', 'a.b']) {
      const res = await post('manager', '/api/v1/accounts', { name: 'Bad Key Co', kind: 'advertiser' }, key);
      expect(res.statusCode, res.body).toBe(400);
    }
    expect(await count('accounts', 'name', 'Bad Key Co')).toBe(0);
  });

  it('does not remember a create that failed: the same key may be sent again once the body is mended', async () => {
    const bad = await post('manager', '/api/v1/accounts', { name: 'Mended Co', kind: 'no-such-kind' }, 'mend-key');
    expect(bad.statusCode).toBe(400);
    const good = await post('manager', '/api/v1/accounts', { name: 'Mended Co', kind: 'advertiser' }, 'mend-key');
    expect(good.statusCode, good.body).toBe(201);
  });

  it('covers the custom creates: activities, saved views, teams, users (a one-time password is never shown twice)', async () => {
    const contact = (await post('manager', '/api/v1/contacts', { name: 'Timeline Person' })).json().id;
    const cases: [string, string, object][] = [
      ['manager', '/api/v1/activities', { kind: 'call', aboutObject: 'contacts', aboutId: contact, subject: 'Called about renewal' }],
      ['manager', '/api/v1/saved-views', { object: 'accounts', name: 'Advertisers', filters: { kind: 'advertiser' } }],
      ['admin', '/api/v1/teams', { name: 'Idempotent Team' }],
      ['admin', '/api/v1/users', { email: 'once.only@example.com', name: 'Once Only' }],
    ];
    for (const [who, url, body] of cases) {
      const first = await post(who, url, body, 'custom-key');
      expect(first.statusCode, `${url}: ${first.body}`).toBe(201);
      const repeat = await post(who, url, body, 'custom-key');
      expect(repeat.statusCode, `${url}: ${repeat.body}`).toBe(201);
      const idOf = (res: { json(): { id?: string; user?: { id: string } } }) => res.json().id ?? res.json().user?.id;
      expect(idOf(repeat), url).toBe(idOf(first));
    }
    expect((await post('admin', '/api/v1/users', { email: 'once.only@example.com', name: 'Once Only' }, 'custom-key')).json()).not.toHaveProperty(
      'oneTimePassword',
    );
    expect(await count('teams', 'name', 'Idempotent Team')).toBe(1);
    expect(await count('saved_views', 'name', 'Advertisers')).toBe(1);
  });

  it('starts one import for a repeated upload with the same key; another file under the key is a 409', async () => {
    const csv = 'name,email\nImport Once,import.once@example.com\n';
    const upload = (file: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/imports?object=contacts',
        headers: { authorization: `Bearer ${tokens.manager}`, 'content-type': 'text/csv', 'idempotency-key': 'import-key' },
        payload: file,
      });
    const first = await upload(csv);
    expect(first.statusCode, first.body).toBe(202);
    const repeat = await upload(csv);
    expect(repeat.statusCode, repeat.body).toBe(202);
    expect(repeat.json().id).toBe(first.json().id);
    expect((await upload(`${csv}Second Person,second@example.com\n`)).statusCode).toBe(409);
    for (let i = 0; i < 100; i++) {
      const job = (await call('manager', 'GET', `/api/v1/imports/${first.json().id}`)).json();
      if (job.state === 'done') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const jobs = await db().selectFrom('import_jobs').select('id').execute();
    expect(jobs).toHaveLength(1);
    const listed = (await call('manager', 'GET', '/api/v1/contacts?limit=100')).json().items.filter((c: { name: string }) => c.name === 'Import Once');
    expect(listed).toHaveLength(1);
  });

  it('forgets a key after 24 hours', async () => {
    const body = { name: 'Tomorrow Films', kind: 'advertiser' };
    const first = await post('manager', '/api/v1/accounts', body, 'day-key');
    const row = await db().selectFrom('idempotency_keys').select(['expires_at', 'created_at']).where('record_id', '=', first.json().id).executeTakeFirst();
    expect(Date.parse(row.expires_at) - Date.parse(row.created_at)).toBe(24 * 3600_000);
    // A day on (the fixtures' tokens would not live through a moved clock): the key has expired.
    await db()
      .updateTable('idempotency_keys')
      .set({ expires_at: new Date(Date.now() - 1).toISOString() })
      .where('record_id', '=', first.json().id)
      .execute();
    const later = await post('manager', '/api/v1/accounts', body, 'day-key');
    expect(later.statusCode).toBe(201);
    expect(later.json().id).not.toBe(first.json().id);
    expect(await count('accounts', 'name', 'Tomorrow Films')).toBe(2);
  });

  it('makes one token for a repeated key and never shows its secret again', async () => {
    const session = await sessions.fullSession(users.manager?.email ?? '', USER_PASSWORD);
    const body = { name: 'nightly-sync', expiresDays: 30 };
    const first = await session.call('POST', '/api/v1/me/tokens', body, { 'idempotency-key': 'token-key' });
    expect(first.statusCode, first.body).toBe(201);
    const repeat = await session.call('POST', '/api/v1/me/tokens', body, { 'idempotency-key': 'token-key' });
    expect(repeat.statusCode, repeat.body).toBe(409);
    expect(repeat.body).toContain(first.json().id);
    expect(repeat.body).not.toContain(first.json().token);
    const listed = await session.call('GET', '/api/v1/me/tokens');
    expect(listed.json().items.filter((t: { name: string }) => t.name === 'nightly-sync')).toHaveLength(1);
  });
});
